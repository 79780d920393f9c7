package fi.vointi.feedback;

import ca.uhn.fhir.model.api.TemporalPrecisionEnum;
import fi.vointi.fhir.FhirException;
import fi.vointi.fhir.OperationOutcomes;
import fi.vointi.messaging.AddressKeys;
import fi.vointi.messaging.Addresses;
import fi.vointi.messaging.Channel;
import fi.vointi.messaging.InvitationLinks;
import fi.vointi.messaging.InvitationMessaging;
import fi.vointi.messaging.MessagingConfiguration;
import fi.vointi.messaging.OptOuts;
import fi.vointi.messaging.OutboxStore;
import fi.vointi.messaging.SmsConfiguration;
import fi.vointi.messaging.Templates;
import fi.vointi.organization.UnitTree;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.micronaut.scheduling.annotation.Scheduled;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.OperationOutcome.OperationOutcomeIssueComponent;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Date;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Post-visit feedback (issue 16, item 3). An EHR reports finished visits as FHIR Encounters; each is counted as one
 * visit of its unit on its day ({@code feedback_visit}, the denominator of the response rate), and a configured share
 * of them ({@link PostVisitSampling}) is sent the unit's feedback SMS: a fresh single-use feedback link ({@code /p/…})
 * queued in the outbox (quiet hours, opt-out, per-person cap, retries: fi.vointi.messaging), at most once per person
 * per period. The Encounter itself is not stored, and the number only in the outbox until delivered.
 * docs/feedback.md, "Post-visit feedback SMS".
 */
@Singleton
public class PostVisitFeedback {
    public static final String PURPOSE = "post-visit";
    private static final Logger LOG = LoggerFactory.getLogger(PostVisitFeedback.class);
    private static final String CHANNEL = "sms";
    private final JdbcOperations jdbc;
    private final FeedbackUnits units;
    private final UnitTree tree;
    private final ChannelTokens tokens;
    private final InvitationCounts invitationCounts;
    private final OutboxStore outbox;
    private final OptOuts optOuts;
    private final AddressKeys keys;
    private final InvitationMessaging invitationMessaging;
    private final MessagingConfiguration messaging;
    private final SmsConfiguration sms;
    private final PostVisitConfiguration configuration;
    private final Clock clock;

    PostVisitFeedback(JdbcOperations jdbc, FeedbackUnits units, UnitTree tree, ChannelTokens tokens,
                      InvitationCounts invitationCounts, OutboxStore outbox, OptOuts optOuts, AddressKeys keys,
                      InvitationMessaging invitationMessaging, MessagingConfiguration messaging, SmsConfiguration sms,
                      PostVisitConfiguration configuration, Clock clock) {
        this.jdbc = jdbc;
        this.units = units;
        this.tree = tree;
        this.tokens = tokens;
        this.invitationCounts = invitationCounts;
        this.outbox = outbox;
        this.optOuts = optOuts;
        this.keys = keys;
        this.invitationMessaging = invitationMessaging;
        this.messaging = messaging;
        this.sms = sms;
        this.configuration = configuration;
        this.clock = clock;
    }

    /**
     * What was done with one visit: the unit and the (Helsinki) day it was counted on, and whether it had been reported
     * before (then it was not counted again and sent nothing). Nothing about a message.
     */
    public record Counted(String unitId, LocalDate day, boolean repeated) {
    }

    /**
     * One visit of the visit import ({@code POST /analytics/visits}, fi.vointi.analytics.VisitImporter) that carries a
     * mobile number (normalised, {@link Addresses#phone}): offered the post-visit SMS as a reported Encounter is.
     */
    public record ImportedVisit(String unitId, LocalDate day, String phone, String language) {
    }

    /**
     * One checked visit; {@code phone} and {@code personKeys} only while the request lasts. {@code visitKey}: the HMAC
     * of the reporting client and the Encounter's identifier (or id) that makes a repeated report count once; null when
     * the Encounter has neither.
     */
    private record Visit(String unitId, boolean takesFeedback, LocalDate day, boolean recent, @Nullable String phone,
                         List<String> personKeys, String language, @Nullable String visitKey) {
    }

    /**
     * Counts every visit and queues the sampled messages, all in one transaction. Every Encounter is checked first: any
     * problem answers 422 naming each ({@code where} prefixes the expressions, e.g. {@code Bundle.entry[3].resource}),
     * and nothing is counted or queued.
     */
    @Transactional
    public List<Counted> report(List<Encounter> encounters, List<String> where, String client) {
        Instant now = clock.instant();
        ZoneId zone = messaging.quietHours().zone();
        List<OperationOutcomeIssueComponent> issues = new ArrayList<>();
        Map<String, Optional<FeedbackUnits.Unit>> unitCache = new HashMap<>();
        List<Visit> visits = new ArrayList<>();
        for (int i = 0; i < encounters.size(); i++) {
            Visit visit = check(encounters.get(i), where.get(i), client, now, zone, unitCache, issues);
            if (visit != null) {
                visits.add(visit);
            }
        }
        if (!issues.isEmpty()) {
            throw FhirException.unprocessable(issues);
        }
        // a visit reported before (a retried transaction, an overlapping batch) is neither counted nor messaged again;
        // its key row is taken first, so of two concurrent reports of it only one goes on
        java.util.Set<Visit> first = firstReports(visits, now);
        List<Visit> fresh = visits.stream().filter(first::contains).toList();
        // reads first; the rows every report of a unit shares (its counters) are locked last, so for as short a time
        // as the transaction has left
        Map<String, Long> shares = new HashMap<>();
        List<Visit> eligible = fresh.stream().filter(v -> eligible(v, now, shares)).toList();
        List<Visit> picked = sample(eligible, shares);
        queue(picked, now, zone);
        countVisits(fresh);
        return visits.stream().map(v -> new Counted(v.unitId(), v.day(), !first.contains(v))).toList();
    }

    /**
     * Offers imported visits with a mobile number the post-visit SMS: eligibility, sampling, once per person per period
     * and the outbox's rules exactly as for reported Encounters. Counting them is the import's (its rows replace the
     * day's count). Runs in the import's transaction, so a refused import queues nothing.
     */
    @Transactional
    public void offer(List<ImportedVisit> imported) {
        if (imported.isEmpty()) {
            return;
        }
        Instant now = clock.instant();
        ZoneId zone = messaging.quietHours().zone();
        Map<String, Optional<FeedbackUnits.Unit>> unitCache = new HashMap<>();
        List<Visit> visits = new ArrayList<>();
        for (ImportedVisit v : imported) {
            boolean takesFeedback = unitCache.computeIfAbsent(v.unitId(), units::find).map(FeedbackUnits.Unit::acceptsFeedback).orElse(false);
            // a row names only the day: the visit ended by its end at the latest
            boolean recent = !v.day().plusDays(1).atStartOfDay(zone).toInstant().isBefore(now.minus(configuration.getMaxAge()));
            visits.add(new Visit(v.unitId(), takesFeedback, v.day(), recent, v.phone(),
                    List.of(keys.ofVisitor("phone:" + v.phone())), v.language(), null));
        }
        Map<String, Long> shares = new HashMap<>();
        List<Visit> eligible = visits.stream().filter(v -> eligible(v, now, shares)).toList();
        queue(sample(eligible, shares), now, zone);
    }

    /**
     * The visits reported here for the first time: each visit key is inserted once (in key order, so that concurrent
     * reports wait for each other instead of deadlocking); a key already stored, by an earlier or a concurrent committed
     * report, or met earlier in this one, marks a repeat. Visits without a key are always first reports.
     */
    private java.util.Set<Visit> firstReports(List<Visit> visits, Instant now) {
        TreeMap<String, LocalDate> dayOfKey = new TreeMap<>(); // in key order; the first visit's day for a key
        visits.forEach(v -> {
            if (v.visitKey() != null) {
                dayOfKey.putIfAbsent(v.visitKey(), v.day());
            }
        });
        java.util.Set<String> newKeys = new java.util.HashSet<>();
        java.time.OffsetDateTime at = java.time.OffsetDateTime.ofInstant(now, java.time.ZoneOffset.UTC);
        for (Map.Entry<String, LocalDate> key : dayOfKey.entrySet()) {
            int inserted = jdbc.prepareStatement("INSERT INTO post_visit_seen (visit_key, visit_day, seen_at) VALUES (?, ?, ?)"
                    + " ON CONFLICT DO NOTHING", s -> {
                s.setString(1, key.getKey());
                s.setDate(2, Date.valueOf(key.getValue()));
                s.setObject(3, at);
                return s.executeUpdate();
            });
            if (inserted == 1) {
                newKeys.add(key.getKey());
            }
        }
        java.util.Set<Visit> first = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (Visit v : visits) {
            if (v.visitKey() == null || newKeys.remove(v.visitKey())) {
                first.add(v);
            }
        }
        return first;
    }

    @Nullable
    private Visit check(Encounter encounter, String where, String client, Instant now, ZoneId zone,
                        Map<String, Optional<FeedbackUnits.Unit>> unitCache, List<OperationOutcomeIssueComponent> issues) {
        int before = issues.size();
        if (encounter.getStatus() != Encounter.EncounterStatus.FINISHED) {
            issues.add(issue(where + ".status", "Only finished visits are reported: status must be 'finished', not '"
                    + (encounter.hasStatus() ? encounter.getStatus().toCode() : "") + "'"));
        }
        String unitId = null;
        FeedbackUnits.Unit unit = null;
        String provider = encounter.getServiceProvider().getReference();
        if (provider == null || !provider.matches("Organization/[A-Za-z0-9\\-.]{1,64}")) {
            issues.add(issue(where + ".serviceProvider", "serviceProvider must be the unit as a literal reference Organization/{id}"));
        } else {
            unitId = provider.substring("Organization/".length());
            unit = unitCache.computeIfAbsent(unitId, units::find).orElse(null);
            if (unit == null) {
                issues.add(issue(where + ".serviceProvider", "Unit '" + unitId + "' is not known"));
            }
        }
        LocalDate day = now.atZone(zone).toLocalDate();
        boolean recent = true;
        if (encounter.getPeriod().hasEnd()) {
            DateTimeType end = encounter.getPeriod().getEndElement();
            LocalDate today = now.atZone(zone).toLocalDate();
            Instant ended = now;
            if (end.getPrecision().ordinal() < TemporalPrecisionEnum.DAY.ordinal()) {
                issues.add(issue(where + ".period.end", "period.end must name at least the day of the visit"));
            } else if (end.getPrecision() == TemporalPrecisionEnum.DAY) {
                day = LocalDate.of(end.getYear(), end.getMonth() + 1, end.getDay());
                ended = day.plusDays(1).atStartOfDay(zone).toInstant(); // at the latest
                if (day.isAfter(today)) {
                    issues.add(issue(where + ".period.end", "The visit ends in the future; report it when it has finished"));
                }
            } else {
                ended = end.getValue().toInstant();
                day = ended.atZone(zone).toLocalDate();
                if (ended.isAfter(now.plus(java.time.Duration.ofMinutes(5)))) { // clocks differ a little
                    issues.add(issue(where + ".period.end", "The visit ends in the future; report it when it has finished"));
                }
            }
            recent = !ended.isBefore(now.minus(configuration.getMaxAge()));
        }
        String phone = null;
        List<String> personKeys = new ArrayList<>();
        String language = "fi";
        Patient patient = patient(encounter);
        if (encounter.hasSubject() && patient == null) {
            issues.add(issue(where + ".subject", "subject must refer to a contained Patient (\"#id\") that carries the mobile number;"
                    + " leave it out to count the visit only"));
        }
        if (patient != null) {
            for (ContactPoint contact : patient.getTelecom()) {
                boolean mobile = contact.getSystem() == ContactPoint.ContactPointSystem.SMS
                        || contact.getSystem() == ContactPoint.ContactPointSystem.PHONE && contact.getUse() == ContactPoint.ContactPointUse.MOBILE;
                if (!mobile || phone != null) {
                    continue;
                }
                phone = Addresses.phone(contact.getValue());
                if (phone == null) {
                    issues.add(issue(where + ".contained.telecom", "Not a valid mobile number (e.g. +358401234567)"));
                }
            }
            if (phone != null) {
                personKeys.add(keys.ofVisitor("phone:" + phone));
            }
            for (Identifier identifier : patient.getIdentifier()) {
                if (identifier.hasSystem() && identifier.hasValue()) {
                    personKeys.add(keys.ofVisitor("identifier:" + identifier.getSystem() + "|" + identifier.getValue()));
                    break;
                }
            }
            language = language(patient);
        }
        if (issues.size() > before) {
            return null;
        }
        return new Visit(unitId, unit.acceptsFeedback(), day, recent, phone, List.copyOf(personKeys), language,
                visitKey(encounter, client));
    }

    /**
     * The key of a reported visit: HMAC of the client and the Encounter's first identifier with a system and value, else
     * of the client and its id (a transaction entry's {@code fullUrl} or {@code id}); null when it has neither. The client
     * is part of it: ids are only unique within the system that gave them.
     */
    @Nullable
    private String visitKey(Encounter encounter, String client) {
        for (Identifier identifier : encounter.getIdentifier()) {
            if (identifier.hasSystem() && identifier.hasValue()) {
                return keys.ofVisit(client, "identifier:" + identifier.getSystem() + "|" + identifier.getValue());
            }
        }
        String id = encounter.getIdElement().getIdPart();
        if (id == null || id.isBlank()) {
            id = encounter.getIdElement().getValue();
        }
        return id == null || id.isBlank() ? null : keys.ofVisit(client, "id:" + id);
    }

    @Nullable
    private static Patient patient(Encounter encounter) {
        if (!encounter.hasSubject()) {
            return null;
        }
        if (encounter.getSubject().getResource() instanceof Patient p) {
            return p;
        }
        String reference = encounter.getSubject().getReference();
        if (reference == null || !reference.startsWith("#")) {
            return null;
        }
        for (Resource contained : encounter.getContained()) {
            String id = contained.getIdElement().getIdPart();
            if (contained instanceof Patient p && id != null && reference.substring(1).equals(id.replaceFirst("^#", ""))) {
                return p;
            }
        }
        return null;
    }

    /** The patient's preferred language when it is one of ours ({@code fi}, {@code sv}, {@code en}), else Finnish. */
    private static String language(Patient patient) {
        List<Patient.PatientCommunicationComponent> spoken = new ArrayList<>(patient.getCommunication());
        spoken.sort((x, y) -> Boolean.compare(y.getPreferred(), x.getPreferred()));
        for (Patient.PatientCommunicationComponent communication : spoken) {
            CodeableConcept concept = communication.getLanguage();
            for (Coding coding : concept.getCoding()) {
                String code = coding.getCode() == null ? "" : coding.getCode().toLowerCase(Locale.ROOT).split("-")[0];
                if (Templates.LANGUAGES.contains(code)) {
                    return code;
                }
            }
        }
        return "fi";
    }

    /**
     * +1 visit per unit and day in {@code feedback_visit}, in key order (no deadlock between concurrent reports). A day
     * whose month was imported as a whole month ({@code POST /analytics/visits}) is already counted there.
     */
    private void countVisits(List<Visit> visits) {
        Map<String, Map<LocalDate, Integer>> counts = new TreeMap<>();
        visits.forEach(v -> counts.computeIfAbsent(v.unitId(), k -> new TreeMap<>()).merge(v.day(), 1, Integer::sum));
        Instant now = clock.instant();
        counts.forEach((unitId, days) -> days.forEach((day, n) -> {
            boolean monthRow = jdbc.prepareStatement("SELECT 1 FROM feedback_visit WHERE unit_id = ? AND period_start <= ?"
                    + " AND period_end >= ? AND period_start <> period_end", s -> {
                s.setString(1, unitId);
                s.setDate(2, Date.valueOf(day));
                s.setDate(3, Date.valueOf(day));
                try (ResultSet rs = s.executeQuery()) {
                    return rs.next();
                }
            });
            if (monthRow) {
                return;
            }
            jdbc.prepareStatement("INSERT INTO feedback_visit (unit_id, period_start, period_end, visits, imported)"
                    + " VALUES (?, ?, ?, 0, ?) ON CONFLICT DO NOTHING", s -> {
                s.setString(1, unitId);
                s.setDate(2, Date.valueOf(day));
                s.setDate(3, Date.valueOf(day));
                s.setObject(4, java.time.OffsetDateTime.ofInstant(now, java.time.ZoneOffset.UTC));
                return s.executeUpdate();
            });
            jdbc.prepareStatement("UPDATE feedback_visit SET visits = visits + ?, imported = ? WHERE unit_id = ?"
                    + " AND period_start = ? AND period_end = period_start", s -> {
                s.setInt(1, n);
                s.setObject(2, java.time.OffsetDateTime.ofInstant(now, java.time.ZoneOffset.UTC));
                s.setString(3, unitId);
                s.setDate(4, Date.valueOf(day));
                return s.executeUpdate();
            });
        }));
    }

    /** Whether a visit could be sent a message at all: before sampling, so that the share is of those who can be asked. */
    private boolean eligible(Visit v, Instant now, Map<String, Long> shares) {
        return v.phone() != null && v.takesFeedback() && v.recent() && sms.configured()
                && shares.computeIfAbsent(v.unitId(), this::sharePpm) > 0
                && !optOuts.optedOut(keys.ofAddress(v.phone()), null)
                && v.personKeys().stream().noneMatch(k -> contactedSince(k, now.minus(configuration.getPeriod())));
    }

    /** The unit's own share, else that of its nearest ancestor that has one, else the global one (parts per million). */
    long sharePpm(String unitId) {
        Map<String, Long> shares = configuration.unitSharesPpm();
        if (!shares.isEmpty()) {
            if (shares.containsKey(unitId)) {
                return shares.get(unitId);
            }
            for (String ancestor : tree.ancestors(unitId)) {
                if (shares.containsKey(ancestor)) {
                    return shares.get(ancestor);
                }
            }
        }
        return configuration.sharePpm();
    }

    private boolean contactedSince(String personKey, Instant since) {
        return jdbc.prepareStatement("SELECT 1 FROM post_visit_contact WHERE person_key = ? AND contacted_at > ?", s -> {
            s.setString(1, personKey);
            s.setObject(2, java.time.OffsetDateTime.ofInstant(since, java.time.ZoneOffset.UTC));
            try (ResultSet rs = s.executeQuery()) {
                return rs.next();
            }
        });
    }

    /** Numbers the eligible visits of each unit (one counter per unit, locked by its UPDATE) and keeps the picked ones. */
    private List<Visit> sample(List<Visit> eligible, Map<String, Long> shares) {
        Map<String, List<Visit>> byUnit = new TreeMap<>();
        eligible.forEach(v -> byUnit.computeIfAbsent(v.unitId(), k -> new ArrayList<>()).add(v));
        List<Visit> picked = new ArrayList<>();
        byUnit.forEach((unitId, list) -> {
            jdbc.prepareStatement("INSERT INTO post_visit_sampling (unit_id, eligible) VALUES (?, 0) ON CONFLICT DO NOTHING", s -> {
                s.setString(1, unitId);
                return s.executeUpdate();
            });
            jdbc.prepareStatement("UPDATE post_visit_sampling SET eligible = eligible + ? WHERE unit_id = ?", s -> {
                s.setLong(1, list.size());
                s.setString(2, unitId);
                return s.executeUpdate();
            });
            long last = jdbc.prepareStatement("SELECT eligible FROM post_visit_sampling WHERE unit_id = ?", s -> {
                s.setString(1, unitId);
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            });
            long ppm = shares.get(unitId);
            long n = last - list.size();
            for (Visit v : list) {
                n++;
                if (PostVisitSampling.picked(n, ppm)) {
                    picked.add(v);
                }
            }
        });
        return picked;
    }

    /** Claims each picked person (in key order) and queues one SMS with a fresh feedback link for those claimed. */
    private void queue(List<Visit> picked, Instant now, ZoneId zone) {
        TreeSet<String> allKeys = new TreeSet<>();
        picked.forEach(v -> allKeys.addAll(v.personKeys()));
        Map<String, Boolean> claimed = new LinkedHashMap<>();
        for (String key : allKeys) {
            claimed.put(key, claim(key, now));
        }
        Map<String, List<Visit>> byUnit = new TreeMap<>();
        java.util.Set<String> used = new java.util.HashSet<>();
        for (Visit v : picked) {
            // a person twice in one report, or claimed meanwhile by another instance: no message
            if (v.personKeys().stream().allMatch(claimed::get) && v.personKeys().stream().noneMatch(used::contains)) {
                used.addAll(v.personKeys());
                byUnit.computeIfAbsent(v.unitId(), k -> new ArrayList<>()).add(v);
            }
        }
        Instant due = messaging.quietHours().nextAllowed(now);
        byUnit.forEach((unitId, list) -> {
            FeedbackUnits.Unit unit = units.find(unitId).orElseThrow();
            ChannelTokens.Issued issued = tokens.issue(unit.id(), unit.serviceId(), CHANNEL, configuration.getLinkLifetime(),
                    null, list.size());
            // each link sent counts as an invitation: the denominator of the invitation rate
            invitationCounts.increment(unit.id(), now.atZone(zone).toLocalDate(), CHANNEL, list.size());
            String sender = invitationMessaging.senderName("Organization/" + unit.id());
            for (int i = 0; i < list.size(); i++) {
                Visit v = list.get(i);
                String link = tokens.shortLink(issued.tokens().get(i));
                if (link.length() > InvitationLinks.MAX_LENGTH) {
                    throw new IllegalStateException("Feedback links would be " + link.length() + " characters: shorten"
                            + " vointi.feedback.public-base-url to at most 35 characters");
                }
                Templates.Text text = Templates.render("postvisit", Channel.SMS, v.language(), Map.of("sender", sender, "link", link));
                outbox.enqueue(new OutboxStore.NewMessage(UUID.randomUUID().toString(), Channel.SMS, PURPOSE, null, null,
                        keys.ofAddress(v.phone()), v.phone(), sender, null, text.body(), due, now));
            }
        });
    }

    /** Takes the person's turn: true when they were not contacted within the period (a row lock decides between instances). */
    private boolean claim(String personKey, Instant now) {
        java.time.OffsetDateTime at = java.time.OffsetDateTime.ofInstant(now, java.time.ZoneOffset.UTC);
        int updated = jdbc.prepareStatement("UPDATE post_visit_contact SET contacted_at = ? WHERE person_key = ? AND contacted_at <= ?", s -> {
            s.setObject(1, at);
            s.setString(2, personKey);
            s.setObject(3, java.time.OffsetDateTime.ofInstant(now.minus(configuration.getPeriod()), java.time.ZoneOffset.UTC));
            return s.executeUpdate();
        });
        if (updated == 1) {
            return true;
        }
        return jdbc.prepareStatement("INSERT INTO post_visit_contact (person_key, contacted_at) VALUES (?, ?) ON CONFLICT DO NOTHING", s -> {
            s.setString(1, personKey);
            s.setObject(2, at);
            return s.executeUpdate();
        }) == 1;
    }

    /**
     * How long a visit's key is kept to recognise a repeated report of it: the period plus a week. A repeat within the
     * period could not message the person anyway (once per person per period) but would count the visit twice; the
     * week covers batches and retries that arrive late.
     */
    java.time.Duration seenRetention() {
        return configuration.getPeriod().plus(java.time.Duration.ofDays(7));
    }

    /**
     * Forgets people whose period has passed, and visit keys past their retention: kept no longer than they can matter.
     * Transactional for its connection: without one the deletes failed (and were only logged).
     */
    @Scheduled(fixedDelay = "1h", initialDelay = "5m")
    @Transactional
    public void forget() {
        try {
            int forgotten = jdbc.prepareStatement("DELETE FROM post_visit_seen WHERE seen_at <= ?", s -> {
                s.setObject(1, java.time.OffsetDateTime.ofInstant(clock.instant().minus(seenRetention()), java.time.ZoneOffset.UTC));
                return s.executeUpdate();
            });
            LOG.debug("Forgot {} reported visits past their retention", forgotten);
            int deleted = jdbc.prepareStatement("DELETE FROM post_visit_contact WHERE contacted_at <= ?", s -> {
                s.setObject(1, java.time.OffsetDateTime.ofInstant(clock.instant().minus(configuration.getPeriod()), java.time.ZoneOffset.UTC));
                return s.executeUpdate();
            });
            LOG.debug("Forgot {} post-visit contacts past their period", deleted);
        } catch (RuntimeException e) {
            LOG.warn("Could not forget old post-visit contacts", e);
        }
    }

    private static OperationOutcomeIssueComponent issue(String expression, String message) {
        return OperationOutcomes.issue(IssueSeverity.ERROR, IssueType.VALUE, message, expression);
    }
}
