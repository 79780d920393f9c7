package fi.vointi.responses;

import fi.vointi.security.Caller;
import fi.vointi.security.Role;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.RelatedPerson;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Who answered, from the caller only. */
class ResponseAuthorsTest {
    static QuestionnaireResponse about(String patient) {
        return new QuestionnaireResponse().setSubject(new Reference("Patient/" + patient));
    }

    static Caller patient(String id) {
        return new Caller("sub-" + id, null, Set.of(Role.PATIENT), id, Set.of(), Set.of(), Set.of());
    }

    static Caller guardian(String child) {
        return new Caller("sub-guardian", null, Set.of(Role.GUARDIAN), null, Set.of(child), Set.of(), Set.of());
    }

    @Test
    void selfReportProxyReportAndRefusals() {
        QuestionnaireResponse own = about("p1");
        assertTrue(ResponseAuthors.apply(patient("p1"), own).isEmpty());
        assertEquals("Patient/p1", own.getAuthor().getReference());
        assertEquals("Patient/p1", own.getSource().getReference());

        QuestionnaireResponse proxy = about("c1");
        assertTrue(ResponseAuthors.apply(guardian("c1"), proxy).isEmpty());
        assertTrue(ResponseAuthors.isProxy(proxy));
        RelatedPerson person = (RelatedPerson) proxy.getContained().get(0);
        assertEquals("sub-guardian", person.getIdentifierFirstRep().getValue());
        assertEquals("Patient/c1", person.getPatient().getReference());
        // the same again (a draft saved twice): still one contained RelatedPerson
        assertTrue(ResponseAuthors.apply(guardian("c1"), proxy).isEmpty());
        assertEquals(1, proxy.getContained().size());

        assertTrue(ResponseAuthors.apply(patient("p1"), about("p1").setAuthor(new Reference("Patient/p2"))).isPresent());
        assertTrue(ResponseAuthors.apply(guardian("c1"), about("c1").setSource(new Reference("Patient/c1"))).isPresent(),
                "a guardian cannot claim the child answered");
        QuestionnaireResponse displayKept = about("p1").setAuthor(new Reference("Patient/p1").setDisplay("Me"));
        assertTrue(ResponseAuthors.apply(patient("p1"), displayKept).isEmpty());
        assertEquals("Me", displayKept.getAuthor().getDisplay());

        Caller ehr = new Caller("ehr", "ehr", Set.of(Role.SYSTEM), null, Set.of(), Set.of(), Set.of());
        QuestionnaireResponse fromEhr = about("p1").setAuthor(new Reference("Practitioner/x"));
        assertTrue(ResponseAuthors.apply(ehr, fromEhr).isEmpty());
        assertEquals("Practitioner/x", fromEhr.getAuthor().getReference());
    }
}
