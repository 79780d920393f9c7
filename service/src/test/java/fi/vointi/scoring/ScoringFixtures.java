package fi.vointi.scoring;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.StrictErrorHandler;
import fi.vointi.catalog.ContentFile;
import fi.vointi.catalog.ContentFiles;
import fi.vointi.catalog.ProfileValidator;
import fi.vointi.catalog.QuestionnaireCatalog;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.hl7.fhir.r4.model.ValueSet;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Shared helpers: the bundled questionnaires, our validator, scoring-rule extensions built in code. */
final class ScoringFixtures {
    static final FhirContext FHIR = FhirContext.forR4Cached();
    static final String PROM = "questionnaires/demo-wellbeing-prom.json";
    static final String BANK = "questionnaires/demo-everyday-energy-bank.json";
    static final String FREQUENCY = "https://vointi.fi/fhir/CodeSystem/frequency-5";

    private static ProfileValidator validator;

    private ScoringFixtures() {
    }

    /** A fresh copy of a bundled questionnaire (callers may modify it). */
    static Questionnaire questionnaire(String resource) {
        try (InputStream in = ScoringFixtures.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " not on the classpath");
            }
            String json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return FHIR.newJsonParser().setParserErrorHandler(new StrictErrorHandler()).parseResource(Questionnaire.class, json);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static synchronized ProfileValidator validator() {
        if (validator == null) {
            List<IBaseResource> resources = new ArrayList<>();
            for (ContentFile file : ContentFiles.fromClasspath("fhir-profiles", ScoringFixtures.class.getClassLoader())) {
                IBaseResource resource = FHIR.newJsonParser().parseResource(file.json());
                if (resource instanceof StructureDefinition || resource instanceof CodeSystem || resource instanceof ValueSet) {
                    resources.add(resource);
                }
            }
            validator = new ProfileValidator(FHIR, resources);
        }
        return validator;
    }

    /** Validation errors of a questionnaire against FHIR R4, our profile and extensions. */
    static List<String> validationErrors(Questionnaire q) {
        // round-trip so the validator sees exactly what a file would hold
        Questionnaire copy = FHIR.newJsonParser().parseResource(Questionnaire.class, FHIR.newJsonParser().encodeResourceToString(q));
        return validator().errors(copy, List.of(QuestionnaireCatalog.QUESTIONNAIRE_PROFILE)).stream()
                .map(m -> m.getLocationString() + ": " + m.getMessage()).toList();
    }

    /** Builds one scoring-rule extension. */
    static final class Rule {
        final Extension extension = new Extension(ScoringRules.SCORING_RULE);

        Rule(String code, String method, String... items) {
            code(code);
            extension.addExtension("display", new StringType("Score " + code));
            extension.addExtension("method", new CodeType(method));
            for (String item : items) {
                item(item);
            }
        }

        Rule code(String code) {
            extension.addExtension("code", new CodeType(code));
            return this;
        }

        Rule item(String linkId) {
            extension.addExtension("item", new StringType(linkId));
            return this;
        }

        Rule reverse(String linkId) {
            extension.addExtension("reverse", new StringType(linkId));
            return this;
        }

        Rule minAnswered(int value) {
            extension.addExtension("minAnswered", new IntegerType(value));
            return this;
        }

        Rule unit(String unit) {
            extension.addExtension("unit", new StringType(unit));
            return this;
        }

        Rule lookup(int raw, String value, String standardError) {
            Extension row = new Extension("lookup");
            row.addExtension("raw", new DecimalType(raw));
            row.addExtension("value", new DecimalType(value));
            if (standardError != null) {
                row.addExtension("standardError", new DecimalType(standardError));
            }
            extension.addExtension(row);
            return this;
        }

        Rule band(String code, String low, String high) {
            Extension band = new Extension("band");
            band.addExtension("code", new CodeType(code));
            band.addExtension("display", new StringType("Band " + code));
            band.addExtension("low", new DecimalType(low));
            band.addExtension("high", new DecimalType(high));
            extension.addExtension(band);
            return this;
        }
    }

    /** The demo PROM with its own rules replaced by the given ones. */
    static Questionnaire promWith(Rule... rules) {
        Questionnaire q = questionnaire(PROM);
        q.getExtension().removeIf(e -> ScoringRules.SCORING_RULE.equals(e.getUrl()));
        for (Rule rule : rules) {
            q.addExtension(rule.extension);
        }
        return q;
    }

    /** A completed response to the demo PROM with frequency codes for the given items (other items unanswered). */
    static QuestionnaireResponse promResponse(Map<String, Integer> codes) {
        QuestionnaireResponse r = new QuestionnaireResponse();
        r.setQuestionnaire("https://vointi.fi/fhir/Questionnaire/demo-wellbeing-prom|1.2.0");
        r.setStatus(QuestionnaireResponse.QuestionnaireResponseStatus.COMPLETED);
        Map<String, List<String>> groups = Map.of(
                "sleep", List.of("sleep.1", "sleep.2", "sleep.3"),
                "mood", List.of("mood.1", "mood.2", "mood.3", "mood.4"),
                "activity", List.of("activity.1", "activity.2", "activity.3"));
        for (String group : List.of("sleep", "mood", "activity")) {
            QuestionnaireResponse.QuestionnaireResponseItemComponent g = r.addItem().setLinkId(group);
            for (String linkId : groups.get(group)) {
                Integer code = codes.get(linkId);
                if (code != null) {
                    g.addItem().setLinkId(linkId).addAnswer().setValue(new Coding(FREQUENCY, String.valueOf(code), null));
                }
            }
        }
        return r;
    }

    static BigDecimal dec(String value) {
        return new BigDecimal(value);
    }

    /** The questionnaire's item with this linkId, at any depth. */
    static Questionnaire.QuestionnaireItemComponent item(Questionnaire q, String linkId) {
        java.util.ArrayDeque<Questionnaire.QuestionnaireItemComponent> todo = new java.util.ArrayDeque<>(q.getItem());
        while (!todo.isEmpty()) {
            Questionnaire.QuestionnaireItemComponent item = todo.pop();
            if (linkId.equals(item.getLinkId())) {
                return item;
            }
            todo.addAll(item.getItem());
        }
        throw new IllegalArgumentException(linkId);
    }
}
