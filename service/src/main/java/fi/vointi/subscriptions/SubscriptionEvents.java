package fi.vointi.subscriptions;

import fi.vointi.responses.SharingListener;
import fi.vointi.responses.SharingService;
import fi.vointi.security.AccessPolicy;
import fi.vointi.security.Caller;
import fi.vointi.security.Role;
import fi.vointi.security.SmartScope;
import jakarta.inject.Singleton;

import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Raises subscription events in the transaction of their cause (a patient's sharing decision): for every subscription
 * whose topic and unit filter match and whose client may read the focus at that moment, one row in
 * {@code subscription_event} under the subscription's next event number. A subscriber never learns of an event about
 * something it may not read.
 */
@Singleton
class SubscriptionEvents implements SharingListener {
    private final SubscriptionStore store;
    private final Clock clock;

    SubscriptionEvents(SubscriptionStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    @Override
    public void decided(SharingService.Decision decision, AccessPolicy.ResponseFacts before, AccessPolicy.ResponseFacts facts) {
        Instant now = clock.instant();
        if (!decision.share()) {
            if (before.shared()) {
                // told to those who could read it while it was shared; a withdrawal of an unshared response changes nothing
                for (StoredSubscription s : store.takingEvents(Topic.RESPONSE_SHARING_WITHDRAWN)) {
                    if (applies(s, before, now)) {
                        store.raise(s.id(), "QuestionnaireResponse", decision.responseId(), now);
                    }
                }
            }
            return;
        }
        for (StoredSubscription s : store.takingEvents(Topic.RESPONSE_SHARED)) {
            if (applies(s, facts, now)) {
                store.raise(s.id(), "QuestionnaireResponse", decision.responseId(), now);
            }
        }
        List<StoredSubscription> scoreSubscriptions = store.takingEvents(Topic.SCORE_OBSERVATION_CREATED).stream()
                .filter(s -> applies(s, facts, now)).toList();
        if (!scoreSubscriptions.isEmpty()) {
            List<String> scores = store.scoresOf(decision.responseId());
            for (StoredSubscription s : scoreSubscriptions) {
                scores.forEach(id -> store.raise(s.id(), "Observation", id, now));
            }
        }
    }

    private static boolean applies(StoredSubscription s, AccessPolicy.ResponseFacts facts, Instant now) {
        return !"off".equals(s.statusAt(now)) && s.coversUnit(facts.unitRef())
                && AccessPolicy.read(subscriber(s), facts).isEmpty();
    }

    /** The backend client a subscription acts for, with the scopes its token had when it subscribed. */
    static Caller subscriber(StoredSubscription s) {
        return subscriber(s.clientId(), s.scopes());
    }

    static Caller subscriber(String clientId, String scopes) {
        Set<SmartScope> parsed = Arrays.stream(scopes.split(" ")).map(SmartScope::parse).flatMap(Optional::stream)
                .collect(Collectors.toSet());
        return new Caller(clientId, clientId, Set.of(Role.SYSTEM), null, Set.of(), Set.of(), parsed);
    }

    /** The scopes as stored with a subscription ({@code system/Type.perms}, space separated). */
    static String scopesText(Caller caller) {
        return caller.scopes().stream().map(s -> s.context() + "/" + s.resourceType() + "." + s.permissions())
                .sorted().collect(Collectors.joining(" "));
    }
}
