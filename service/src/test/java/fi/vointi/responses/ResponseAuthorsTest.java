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

    @Test
    void aDeclaredRespondentTypeCounts() {
        // proxy bank: the patient's own sign-in is refused, the guardian records a proxy report
        assertTrue(ResponseAuthors.apply(patient("c1"), about("c1"), RespondentType.PROXY).orElseThrow().contains("proxy report"));
        QuestionnaireResponse byGuardian = about("c1");
        assertTrue(ResponseAuthors.apply(guardian("c1"), byGuardian, RespondentType.PROXY).isEmpty());
        assertEquals("#answerer", byGuardian.getSource().getReference());

        // self bank in a guardian's session: the guardian recorded it, the child answered (also when saved again)
        QuestionnaireResponse childAnswers = about("c1");
        for (int save = 0; save < 2; save++) {
            assertTrue(ResponseAuthors.apply(guardian("c1"), childAnswers, RespondentType.SELF).isEmpty());
            assertEquals("#answerer", childAnswers.getAuthor().getReference());
            assertEquals("Patient/c1", childAnswers.getSource().getReference());
            assertEquals(1, childAnswers.getContained().size());
        }
        assertTrue(ResponseAuthors.apply(guardian("c1"), about("c1").setSource(new Reference("#answerer")),
                RespondentType.SELF).isPresent(), "on a self-report the guardian cannot claim to have answered");
        QuestionnaireResponse own = about("p1");
        assertTrue(ResponseAuthors.apply(patient("p1"), own, RespondentType.SELF).isEmpty());
        assertEquals("Patient/p1", own.getSource().getReference());

        // backend clients: kept, unless who answered contradicts the declaration
        Caller ehr = new Caller("ehr", "ehr", Set.of(Role.SYSTEM), null, Set.of(), Set.of(), Set.of());
        assertTrue(ResponseAuthors.apply(ehr, about("c1").setSource(new Reference("Patient/c1")), RespondentType.PROXY).isPresent());
        assertTrue(ResponseAuthors.apply(ehr, about("c1").setSource(new Reference("RelatedPerson/r1")), RespondentType.PROXY).isEmpty());
        assertTrue(ResponseAuthors.apply(ehr, about("c1").setAuthor(new Reference("RelatedPerson/r1")), RespondentType.SELF).isPresent());
        assertTrue(ResponseAuthors.apply(ehr, about("c1").setAuthor(new Reference("RelatedPerson/r1"))
                .setSource(new Reference("Patient/c1")), RespondentType.SELF).isEmpty(), "source decides who answered");
        assertTrue(ResponseAuthors.apply(ehr, about("c1"), RespondentType.PROXY).isEmpty(), "not named: unknown, kept");
    }
}
