package fi.vointi.adaptive;

import fi.vointi.cat.CatSimulator;
import fi.vointi.cat.SimulatedRespondent;
import fi.vointi.cat.SimulationReport;
import fi.vointi.security.DevTokenIssuer;
import fi.vointi.support.FhirTestClient;
import fi.vointi.support.FhirTestClient.Reply;
import fi.vointi.support.Tokens;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** $simulate's exposure figures over HTTP: equal to a direct count, and Sympson-Hetter keeping items under a cap. */
@MicronautTest
class SimulationApiTest {
    static final String BANK_ID = "demo-everyday-energy-bank";

    @Inject
    EmbeddedServer server;
    @Inject
    DevTokenIssuer issuer;
    @Inject
    AdaptiveBanks banks;

    private Parameters simulate(String query) {
        Reply reply = new FhirTestClient(server).as(new Tokens(issuer).admin())
                .post("/fhir/Questionnaire/" + BANK_ID + "/$simulate?" + query, "");
        assertEquals(200, reply.status(), reply.body());
        return reply.resource(Parameters.class);
    }

    private static double number(Parameters report, String name) {
        return ((DecimalType) report.getParameter(name).getValue()).getValueAsNumber().doubleValue();
    }

    private static double part(ParametersParameterComponent parameter, String name) {
        return ((DecimalType) parameter.getPart().stream().filter(p -> p.getName().equals(name)).findFirst().orElseThrow()
                .getValue()).getValueAsNumber().doubleValue();
    }

    private static String item(ParametersParameterComponent parameter) {
        return ((StringType) parameter.getPart().stream().filter(p -> p.getName().equals("item")).findFirst().orElseThrow()
                .getValue()).getValue();
    }

    @Test
    void exposureFiguresMatchACountOverTheSameSimulees() {
        Parameters report = simulate("respondents=300&seed=4");
        AdaptiveBank bank = banks.byId(BANK_ID).orElseThrow();
        assertTrue(report.getParameter("trueThetaDistribution").getValue().primitiveValue().contains("the design's prior"));
        // the same simulees, counted here from the items each was asked
        SimulationReport direct = new CatSimulator(bank.engine()).simulateFromPrior(300, 4);
        Map<String, Integer> counts = new HashMap<>();
        for (SimulatedRespondent row : direct.rows()) {
            row.items().forEach(id -> counts.merge(id, 1, Integer::sum));
        }
        List<ParametersParameterComponent> rates = report.getParameter().stream()
                .filter(p -> p.getName().equals("itemExposure")).toList();
        assertEquals(bank.items().size(), rates.size());
        double max = 0;
        long unused = 0;
        for (ParametersParameterComponent rate : rates) {
            double expected = counts.getOrDefault(item(rate), 0) / 300.0;
            assertEquals(expected, part(rate, "rate"), 0.00005, item(rate));
            max = Math.max(max, expected);
            unused += counts.containsKey(item(rate)) ? 0 : 1;
        }
        assertEquals(max, number(report, "maxExposureRate"), 0.00005);
        assertEquals((double) unused / bank.items().size(), number(report, "unusedItemShare"), 0.00005);
        long shared = 0;
        for (int j = 0; j < 300; j++) {
            for (int k = j + 1; k < 300; k++) {
                shared += direct.rows().get(j).items().stream().filter(direct.rows().get(k).items()::contains).count();
            }
        }
        double meanLength = direct.rows().stream().mapToInt(SimulatedRespondent::itemsAdministered).average().orElseThrow();
        assertEquals(shared / (300 * 299 / 2.0) / meanLength, number(report, "testOverlapRate"), 0.00005);
    }

    @Test
    void anExposureCapIsCalibratedAndHeld() {
        Parameters free = simulate("respondents=1000&seed=5");
        assertEquals(1.0, number(free, "maxExposureRate"), 1e-9, "without control every test starts with the same item");
        Parameters capped = simulate("respondents=1000&seed=5&exposureCap=0.4");
        assertTrue(number(capped, "maxExposureRate") <= 0.4 + 0.03, "max exposure " + number(capped, "maxExposureRate"));
        assertTrue(number(capped, "testOverlapRate") < number(free, "testOverlapRate"));
        ParametersParameterComponent calibration = capped.getParameter("sympsonHetter");
        assertEquals(0.4, part(calibration, "exposureCap"), 1e-12);
        List<ParametersParameterComponent> parameters = calibration.getPart().stream()
                .filter(p -> p.getName().equals("exposureParameter")).toList();
        assertFalse(parameters.isEmpty());
        parameters.forEach(p -> assertTrue(part(p, "value") > 0 && part(p, "value") < 1));
        Reply bad = new FhirTestClient(server).as(new Tokens(issuer).admin())
                .post("/fhir/Questionnaire/" + BANK_ID + "/$simulate?exposureCap=1.5", "");
        assertEquals(400, bad.status(), bad.body());
    }
}
