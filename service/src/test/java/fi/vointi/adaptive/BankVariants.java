package fi.vointi.adaptive;

import ca.uhn.fhir.context.FhirContext;
import fi.vointi.responses.RespondentType;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.Type;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Copies of the shipped demo bank with other designs, written to a county folder ({@code vointi.questionnaires.dir})
 * that a test context loads: the same items and parameters, another url and {@code cat-design}.
 */
final class BankVariants {
    static final String DEMO = "demo-everyday-energy-bank";

    private final FhirContext fhir = FhirContext.forR4Cached();
    private final Questionnaire demo;
    private final Path dir;

    BankVariants() {
        try (InputStream in = BankVariants.class.getClassLoader().getResourceAsStream("questionnaires/" + DEMO + ".json")) {
            demo = fhir.newJsonParser().parseResource(Questionnaire.class, new String(in.readAllBytes(), StandardCharsets.UTF_8));
            dir = Files.createTempDirectory("vointi-cat-designs");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The shipped demo bank (read only: variants are copies). */
    Questionnaire demo() {
        return demo;
    }

    /** Writes a copy with id {@code id}, its design changed by {@code design}, and a declared respondent type (or null). */
    BankVariants write(String id, Consumer<Extension> design, String respondent) {
        Questionnaire q = demo.copy();
        q.setId(id);
        q.setUrl("https://vointi.fi/fhir/Questionnaire/" + id);
        q.setName("Test" + id.replace("-", ""));
        q.setTitle("Test bank " + id);
        q.getTitleElement().getExtension().clear();
        design.accept(q.getExtensionByUrl(AdaptiveBank.CAT_DESIGN));
        if (respondent != null) {
            q.addExtension(RespondentType.URL, new CodeType(respondent));
        }
        try {
            Files.writeString(dir.resolve(id + ".json"), fhir.newJsonParser().encodeResourceToString(q));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** The folder to pass as {@code vointi.questionnaires.dir}. */
    String dir() {
        return dir.toString();
    }

    /** Sets one part of a {@code cat-design} extension, replacing the bank's own value. */
    static void part(Extension design, String name, Type value) {
        design.getExtension().removeIf(e -> name.equals(e.getUrl()));
        design.addExtension(name, value);
    }
}
