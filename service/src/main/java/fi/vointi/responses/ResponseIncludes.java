package fi.vointi.responses;

import fi.vointi.audit.AuditContext;
import fi.vointi.catalog.CanonicalRef;
import fi.vointi.catalog.QuestionnaireCatalog;
import fi.vointi.fhir.SearchRequest;
import fi.vointi.observations.ObservationSearch;
import fi.vointi.security.AccessPolicy;
import jakarta.inject.Singleton;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.Resource;

import java.util.ArrayList;
import java.util.List;

/**
 * The resources a QuestionnaireResponse search adds with {@code _include=QuestionnaireResponse:questionnaire} (the
 * public questionnaires answered) and {@code _revinclude=Observation:derived-from} (the scores of the page's
 * responses, through the caller's read grants: the same rule as reading one Observation).
 */
@Singleton
public class ResponseIncludes {
    private final QuestionnaireCatalog catalog;
    private final ObservationSearch observations;

    ResponseIncludes(QuestionnaireCatalog catalog, ObservationSearch observations) {
        this.catalog = catalog;
        this.observations = observations;
    }

    public List<Resource> of(SearchRequest request, List<QuestionnaireResponse> page, List<AccessPolicy.ReadGrant> grants,
                             AuditContext audit) {
        List<Resource> included = new ArrayList<>();
        if (page.isEmpty()) {
            return included;
        }
        if (request.all("_include").contains(ResponseSearch.INCLUDE_QUESTIONNAIRE)) {
            for (QuestionnaireResponse response : page) {
                if (response.hasQuestionnaire()) {
                    catalog.resolve(CanonicalRef.parse(response.getQuestionnaire())).ifPresent(included::add);
                }
            }
        }
        if (request.all("_revinclude").contains(ResponseSearch.REVINCLUDE_OBSERVATIONS)) {
            var scores = observations.ofResponses(page.stream().map(r -> r.getIdElement().getIdPart()).toList(), grants);
            scores.forEach(o -> audit.entity("Observation/" + o.getIdElement().getIdPart()));
            included.addAll(scores);
        }
        return included;
    }
}
