package fi.vointi.web.staff;

import fi.vointi.fhir.SearchRequest;
import fi.vointi.responses.ResponseService;
import fi.vointi.results.ResultsController;
import fi.vointi.schedules.Protocol;
import fi.vointi.schedules.ProtocolCatalog;
import fi.vointi.schedules.ScheduleConfiguration;
import fi.vointi.schedules.ScheduleService;
import fi.vointi.security.Caller;
import fi.vointi.web.Languages;
import fi.vointi.web.Messages;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.convert.ConversionService;
import io.micronaut.http.simple.SimpleHttpParameters;
import jakarta.inject.Singleton;
import org.hl7.fhir.r4.model.CarePlan;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Reference;

import java.time.LocalDate;
import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * The PROM schedule part of the clinician's patient page: the "enrol in a schedule" form and the patient's enrolments
 * by the clinician's units, read through the same {@link ScheduleService#search} (and its read rule) as
 * {@code GET /fhir/CarePlan}.
 */
@Singleton
public class StaffSchedules {
    private static final int MAX_ENROLMENTS = 50;
    private final ProtocolCatalog protocols;
    private final ScheduleService schedules;
    private final ScheduleConfiguration configuration;
    private final Clock clock;

    public StaffSchedules(ProtocolCatalog protocols, ScheduleService schedules, ScheduleConfiguration configuration, Clock clock) {
        this.protocols = protocols;
        this.schedules = schedules;
        this.configuration = configuration;
        this.clock = clock;
    }

    /** What was entered in the form (empty strings for nothing); {@code messageLanguage} fi, sv or en. */
    public record Entered(String protocol, String unit, String start, String phone, String email, String messageLanguage) {
    }

    /** The form as first shown: today's date (in the schedules' zone) and the page's language for the messages. */
    Entered defaults(String lang) {
        return new Entered("", "", LocalDate.now(clock.withZone(configuration.zoneId())).toString(), "", "", lang);
    }

    StaffViews.ScheduleForm form(Caller caller, String patientId, String lang, Entered entered, List<StaffViews.Problem> problems,
                                 Map<String, String> fieldErrors, BiFunction<String, String, String> unitName) {
        List<StaffViews.Option> protocolOptions = protocols.all().stream()
                .sorted(Comparator.comparing((Protocol p) -> Languages.text(p.resource().getTitleElement(), lang)))
                .map(p -> new StaffViews.Option(p.id(), Languages.text(p.resource().getTitleElement(), lang),
                        Languages.languageOf(p.resource().getTitleElement(), lang), p.id().equals(entered.protocol())))
                .toList();
        List<StaffViews.Option> units = caller.units().stream().sorted().map(u -> new StaffViews.Option(u,
                unitName.apply("Organization/" + u, lang), lang, u.equals(entered.unit()))).toList();
        List<StaffViews.Option> languages = Languages.SUPPORTED.stream().map(l -> new StaffViews.Option(l,
                Messages.get(l, "staff.schedule.languageName"), l, l.equals(entered.messageLanguage()))).toList();
        return new StaffViews.ScheduleForm("/staff/patients/" + StaffPagesController.encode(patientId) + "/schedules",
                protocolOptions, units, entered.start(), entered.phone(), entered.email(), languages, List.copyOf(problems),
                fieldErrors.get("protocol"), fieldErrors.get("unit"), fieldErrors.get("start"), fieldErrors.get("phone"), fieldErrors.get("email"));
    }

    /** The patient's enrolments the caller may read (the clinician's units), newest first. */
    List<CarePlan> enrolments(Caller caller, String patientId) {
        Map<CharSequence, List<String>> query = new LinkedHashMap<>();
        query.put("patient", List.of(patientId));
        query.put("_count", List.of(Integer.toString(MAX_ENROLMENTS)));
        return schedules.search(caller, SearchRequest.of(new SimpleHttpParameters(query, ConversionService.SHARED),
                ScheduleService.SEARCH)).carePlans();
    }

    List<StaffViews.EnrolmentRow> rows(List<CarePlan> plans, String patientId, String lang,
                                       BiFunction<String, String, String> unitName) {
        List<StaffViews.EnrolmentRow> rows = new ArrayList<>();
        for (CarePlan plan : plans) {
            String id = plan.getIdElement().getIdPart();
            String status = plan.getStatus() == null ? "unknown" : plan.getStatus().toCode();
            String next = plan.getActivity().stream().map(CarePlan.CarePlanActivityComponent::getDetail)
                    .filter(d -> d.getStatus() == CarePlan.CarePlanActivityStatus.SCHEDULED)
                    .map(d -> d.getScheduledPeriod().getStart())
                    .filter(java.util.Objects::nonNull)
                    .min(Comparator.naturalOrder())
                    .map(d -> ResultsController.date(d.toInstant(), lang)).orElse("–");
            Protocol protocol = protocols.resolve(fi.vointi.catalog.CanonicalRef.parse(plan.getInstantiatesCanonical().get(0).getValue()))
                    .orElse(null);
            String title = protocol == null ? plan.getTitle() : Languages.text(protocol.resource().getTitleElement(), lang);
            String titleLang = protocol == null ? lang : Languages.languageOf(protocol.resource().getTitleElement(), lang);
            boolean active = "active".equals(status);
            rows.add(new StaffViews.EnrolmentRow(id, title, titleLang, unitName.apply(unitRef(plan), lang),
                    date(plan.getPeriod().getStartElement().getValueAsString(), lang),
                    Messages.get(lang, "staff.schedule.status." + (Messages.keys(lang).contains("staff.schedule.status." + status) ? status : "other")),
                    "state-" + status, active ? next : "–",
                    active ? "/staff/patients/" + StaffPagesController.encode(patientId) + "/schedules/"
                            + StaffPagesController.encode(id) + "/end" : null));
        }
        return rows;
    }

    /** A plain date (the episode's start, YYYY-MM-DD) in the page's language, without a time zone to shift it. */
    static String date(String isoDate, String lang) {
        LocalDate date = LocalDate.parse(isoDate.substring(0, 10));
        return DateTimeFormatter.ofLocalizedDate(FormatStyle.MEDIUM).withLocale(Locale.forLanguageTag(lang)).format(date);
    }

    @Nullable
    private static String unitRef(CarePlan plan) {
        for (Extension e : plan.getExtensionsByUrl(ResponseService.SERVICE_UNIT_EXTENSION)) {
            if (e.getValue() instanceof Reference ref) {
                return ref.getReference();
            }
        }
        return null;
    }
}
