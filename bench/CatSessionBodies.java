import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.QuestionnaireResponse;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * Plays one adaptive test against a running server and writes the request body of every $next-question call
 * (0, 1, 2 … answers so far) to OUT_DIR/nq-body-N.json, for the load script to replay. Answers are drawn at
 * random among the item's options (seeded), so the path is a plausible one. Run with the service jar on the
 * class path (for HAPI):
 *
 *   java -cp service/target/vointi-service.jar bench/CatSessionBodies.java http://127.0.0.1:8091 BANK_URL|VERSION target [fi|sv|en|all]
 */
public class CatSessionBodies {
    public static void main(String[] args) throws Exception {
        URI next = URI.create(args[0] + "/fhir/Questionnaire/$next-question");
        Path out = Path.of(args[2]);
        IParser json = FhirContext.forR4().newJsonParser();
        HttpClient http = HttpClient.newHttpClient();
        Random random = new Random(42);
        QuestionnaireResponse response = new QuestionnaireResponse();
        response.setStatus(QuestionnaireResponse.QuestionnaireResponseStatus.INPROGRESS);
        response.setQuestionnaire(args[1]);
        if (args.length > 3 && !"all".equals(args[3])) {
            response.setLanguage(args[3]); // an app shows one language; "all" asks for every translation
        }
        int n = 0;
        while (response.getStatus() == QuestionnaireResponse.QuestionnaireResponseStatus.INPROGRESS) {
            String body = json.encodeResourceToString(response);
            Files.writeString(out.resolve("nq-body-" + n + ".json"), body);
            HttpResponse<String> reply = http.send(HttpRequest.newBuilder(next).header("Content-Type", "application/fhir+json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            if (reply.statusCode() != 200) {
                throw new IllegalStateException(reply.statusCode() + " " + reply.body());
            }
            response = json.parseResource(QuestionnaireResponse.class, reply.body());
            if (response.getStatus() != QuestionnaireResponse.QuestionnaireResponseStatus.INPROGRESS) {
                break;
            }
            Questionnaire asked = (Questionnaire) response.getContained().get(0);
            Questionnaire.QuestionnaireItemComponent item = asked.getItem().get(asked.getItem().size() - 1);
            var option = item.getAnswerOption().get(random.nextInt(item.getAnswerOption().size()));
            response.addItem().setLinkId(item.getLinkId()).addAnswer().setValue(option.getValue().copy());
            n++;
        }
        System.out.println(n + 1);
    }
}
