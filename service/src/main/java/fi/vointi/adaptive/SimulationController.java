package fi.vointi.adaptive;

import fi.vointi.cat.CatEngine;
import fi.vointi.cat.CatSimulator;
import fi.vointi.cat.ExposureSummary;
import fi.vointi.cat.ConditionalSummary;
import fi.vointi.cat.SimulationReport;
import fi.vointi.fhir.FhirException;
import fi.vointi.fhir.FhirMediaType;
import fi.vointi.fhir.FhirResponses;
import fi.vointi.security.AccessPolicy;
import fi.vointi.security.CallerResolver;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.StringType;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

/**
 * {@code POST /fhir/Questionnaire/{id}/$simulate}: simulated respondents for a bank and its CAT design — mean
 * test length, bias, RMSE and correlation with the full-bank estimate, overall and per true theta, and item exposure
 * (rate per item, the largest, the share never used, test overlap); with {@code exposureCap} also Sympson-Hetter
 * exposure parameters calibrated for that cap and the figures under them. The
 * evidence a county needs before choosing a design; administrators only (it is CPU work, not health data).
 */
@Controller("/fhir/Questionnaire")
@Secured(SecurityRule.IS_ANONYMOUS) // AccessPolicy decides
@ExecuteOn(TaskExecutors.BLOCKING)
public class SimulationController {
    static final int MAX_RESPONDENTS = 20_000;
    static final int CALIBRATION_RESPONDENTS = 1_000;
    static final int CALIBRATION_ROUNDS = 30;
    private final AdaptiveBanks banks;
    private final CallerResolver callers;
    private final FhirResponses responses;

    public SimulationController(AdaptiveBanks banks, CallerResolver callers, FhirResponses responses) {
        this.banks = banks;
        this.callers = callers;
        this.responses = responses;
    }

    /**
     * @param thetas       comma-separated true thetas, each simulated {@code replications} times; without it,
     *                     {@code respondents} thetas are drawn from N(0, 1)
     */
    @Post(uri = "/{id}/$simulate", consumes = {FhirMediaType.FHIR_JSON, FhirMediaType.JSON, "*/*"},
            produces = {FhirMediaType.FHIR_JSON, FhirMediaType.JSON, FhirMediaType.FHIR_XML, FhirMediaType.XML})
    public HttpResponse<String> simulate(@PathVariable String id, @Nullable @QueryValue Integer respondents,
                                         @Nullable @QueryValue String thetas, @Nullable @QueryValue Integer replications,
                                         @Nullable @QueryValue Long seed, @Nullable @QueryValue Double exposureCap,
                                         HttpRequest<?> request) {
        CallerResolver.enforce(AccessPolicy.simulate(callers.resolve(request)));
        AdaptiveBank bank = banks.byId(id).orElseThrow(() ->
                FhirException.notFound("Questionnaire/" + id + " is not an adaptive questionnaire of this server"));
        long randomSeed = seed == null ? 1L : seed;
        CatSimulator simulator = new CatSimulator(bank.engine());
        Map<String, Double> exposureParameters = null;
        if (exposureCap != null) {
            if (!(exposureCap > 0 && exposureCap < 1) || bank.design().randomesque() > 1) {
                throw FhirException.badRequest("exposureCap must be between 0 and 1 (exclusive), on a design with"
                        + " randomesque 1 (Sympson-Hetter replaces randomesque)");
            }
            // Calibrated on other simulees (seed + 1000 + round) than the ones the report describes.
            exposureParameters = CatSimulator.sympsonHetter(bank.items(), bank.design().toBuilder().exposureParameters(
                    Map.of()).build(), exposureCap, CALIBRATION_RESPONDENTS, CALIBRATION_ROUNDS, randomSeed + 1000);
            simulator = new CatSimulator(new CatEngine(bank.engine().tables(),
                    bank.design().toBuilder().exposureParameters(exposureParameters).build()));
        }
        SimulationReport report;
        if (thetas != null) {
            double[] values = parseThetas(thetas);
            int times = replications == null ? 100 : replications;
            if (times < 1 || (long) times * values.length > MAX_RESPONDENTS) {
                throw FhirException.badRequest("replications × thetas must be between 1 and " + MAX_RESPONDENTS);
            }
            double[] all = new double[values.length * times];
            for (int i = 0; i < all.length; i++) {
                all[i] = values[i / times];
            }
            report = simulator.simulate(all, randomSeed);
        } else {
            int n = respondents == null ? 1000 : respondents;
            if (n < 1 || n > MAX_RESPONDENTS) {
                throw FhirException.badRequest("respondents must be between 1 and " + MAX_RESPONDENTS);
            }
            report = simulator.simulateFromPrior(n, randomSeed);
        }
        Parameters out = toParameters(bank, report, thetas == null);
        if (exposureParameters != null) {
            var part = out.addParameter().setName("sympsonHetter");
            part.addPart().setName("exposureCap").setValue(new DecimalType(BigDecimal.valueOf(exposureCap)));
            exposureParameters.forEach((item, k) -> {
                var parameter = part.addPart().setName("exposureParameter");
                parameter.addPart().setName("item").setValue(new StringType(item));
                parameter.addPart().setName("value").setValue(decimal(k));
            });
        }
        return responses.ok(out, request);
    }

    private static double[] parseThetas(String thetas) {
        try {
            double[] values = Arrays.stream(thetas.split(",")).map(String::trim).mapToDouble(Double::parseDouble).toArray();
            if (values.length == 0 || Arrays.stream(values).anyMatch(v -> !Double.isFinite(v) || Math.abs(v) > 6)) {
                throw new NumberFormatException();
            }
            return values;
        } catch (NumberFormatException e) {
            throw FhirException.badRequest("thetas must be comma-separated numbers between -6 and 6, e.g. -2,-1,0,1,2");
        }
    }

    private static Parameters toParameters(AdaptiveBank bank, SimulationReport report, boolean drawnFromPrior) {
        Parameters out = new Parameters();
        out.addParameter().setName("bank").setValue(new StringType(bank.canonical()));
        out.addParameter().setName("respondents").setValue(new IntegerType(report.respondents()));
        if (drawnFromPrior) {
            out.addParameter().setName("trueThetaDistribution").setValue(new StringType("N(" + bank.design().priorMean()
                    + ", " + bank.design().priorSd() + "^2), the design's prior"));
        }
        out.addParameter().setName("meanTestLength").setValue(decimal(report.meanTestLength()));
        out.addParameter().setName("bias").setValue(decimal(report.bias()));
        out.addParameter().setName("rmse").setValue(decimal(report.rmse()));
        if (Double.isFinite(report.correlationWithFullBank())) {
            out.addParameter().setName("correlationWithFullBank").setValue(decimal(report.correlationWithFullBank()));
        }
        ExposureSummary exposure = report.exposure();
        out.addParameter().setName("maxExposureRate").setValue(decimal(exposure.maxExposureRate()));
        out.addParameter().setName("unusedItemShare").setValue(decimal(exposure.unusedShare()));
        if (Double.isFinite(exposure.testOverlapRate())) {
            out.addParameter().setName("testOverlapRate").setValue(decimal(exposure.testOverlapRate()));
        }
        exposure.exposureRates().forEach((item, rate) -> {
            var part = out.addParameter().setName("itemExposure");
            part.addPart().setName("item").setValue(new StringType(item));
            part.addPart().setName("rate").setValue(decimal(rate));
        });
        report.stopReasons().forEach((reason, count) -> {
            var part = out.addParameter().setName("stopReason");
            part.addPart().setName("reason").setValue(new StringType(reason.name().toLowerCase(Locale.ROOT).replace('_', '-')));
            part.addPart().setName("respondents").setValue(new IntegerType(count));
        });
        for (ConditionalSummary summary : report.byTrueTheta()) {
            if (report.byTrueTheta().size() > 50) {
                break; // drawn thetas are all distinct: the conditional table is only useful for given thetas
            }
            var part = out.addParameter().setName("atTheta");
            part.addPart().setName("trueTheta").setValue(decimal(summary.trueTheta()));
            part.addPart().setName("respondents").setValue(new IntegerType(summary.respondents()));
            part.addPart().setName("meanTestLength").setValue(decimal(summary.meanTestLength()));
            part.addPart().setName("bias").setValue(decimal(summary.bias()));
            part.addPart().setName("rmse").setValue(decimal(summary.rmse()));
            part.addPart().setName("meanStandardError").setValue(decimal(summary.meanStandardError()));
        }
        return out;
    }

    private static DecimalType decimal(double value) {
        return new DecimalType(BigDecimal.valueOf(value).setScale(4, RoundingMode.HALF_EVEN));
    }
}
