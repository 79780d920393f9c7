package fi.vointi.bulk;

import fi.vointi.fhir.FhirException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ExportRequestTest {

    @Test
    void withoutParametersEveryTypeIsExportedInFileOrder() {
        ExportRequest request = ExportRequest.parse(Map.of());
        assertEquals(List.of("QuestionnaireResponse", "Observation", "Consent", "Task", "Questionnaire", "Organization"),
                request.types());
        assertFalse(request.typesAsked());
        assertNull(request.since());
    }

    @Test
    void typesAreTakenFromCommaListsAndRepeatsInTheServersOrder() {
        assertEquals(List.of("QuestionnaireResponse", "Observation"),
                ExportRequest.parse(Map.of("_type", List.of("Observation, QuestionnaireResponse"))).types());
        assertEquals(List.of("QuestionnaireResponse", "Observation"),
                ExportRequest.parse(Map.of("_type", List.of("Observation", "QuestionnaireResponse,Observation"))).types());
        assertEquals(List.of("Observation"), ExportRequest.parse(Map.of("_type", List.of("Observation"))).types());
        ExportRequest asked = ExportRequest.parse(Map.of("_type", List.of("Organization,Questionnaire", "Task,Consent")));
        assertEquals(List.of("Consent", "Task", "Questionnaire", "Organization"), asked.types());
        assertTrue(asked.typesAsked());
    }

    @ParameterizedTest
    @ValueSource(strings = {"Patient", "Group", "observation", "Observation,Foo", "QuestionnaireResponse,Location"})
    void aTypeThisServerDoesNotExportIsRefused(String type) {
        FhirException refusal = assertThrows(FhirException.class, () -> ExportRequest.parse(Map.of("_type", List.of(type))));
        assertEquals(400, refusal.status().getCode());
    }

    @Test
    void sinceIsAnInstantWithATimeZone() {
        assertEquals(Instant.parse("2026-01-31T10:00:00Z"),
                ExportRequest.parse(Map.of("_since", List.of("2026-01-31T12:00:00+02:00"))).since());
        assertEquals(Instant.parse("2026-01-31T12:00:00.250Z"),
                ExportRequest.parse(Map.of("_since", List.of("2026-01-31T12:00:00.250Z"))).since());
    }

    @ParameterizedTest
    @ValueSource(strings = {"2026-01-31", "2026-01-31T12:00:00", "yesterday", "", "2026-13-01T00:00:00Z"})
    void sinceThatIsNotAnInstantIsRefused(String since) {
        FhirException refusal = assertThrows(FhirException.class, () -> ExportRequest.parse(Map.of("_since", List.of(since))));
        assertEquals(400, refusal.status().getCode());
    }

    @Test
    void ndjsonFormatsAreAcceptedAndOthersRefused() {
        for (String format : List.of("application/fhir+ndjson", "application/ndjson", "ndjson")) {
            ExportRequest.parse(Map.of("_outputFormat", List.of(format)));
        }
        assertThrows(FhirException.class, () -> ExportRequest.parse(Map.of("_outputFormat", List.of("text/csv"))));
        assertThrows(FhirException.class, () -> ExportRequest.parse(Map.of("_outputFormat", List.of("application/fhir+json"))));
    }

    @Test
    void parametersWeDoNotImplementAreRefusedRatherThanIgnored() {
        for (String name : List.of("_typeFilter", "patient", "_elements", "includeAssociatedData")) {
            assertThrows(FhirException.class, () -> ExportRequest.parse(Map.of(name, List.of("x"))), name);
        }
    }
}
