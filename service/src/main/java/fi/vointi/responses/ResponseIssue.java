package fi.vointi.responses;

/**
 * One problem found in a QuestionnaireResponse.
 *
 * @param severity   how serious the problem is; callers reject the response on {@link Severity#ERROR}
 * @param code       FHIR issue-type code for OperationOutcome.issue.code, e.g. "required", "value", "code-invalid"
 * @param expression FHIRPath-style location in the response, e.g. "QuestionnaireResponse.item[1].answer[0]"
 *                   (0-based indexes into the response's own lists)
 * @param message    plain-English explanation naming the item's linkId
 */
public record ResponseIssue(Severity severity, String code, String expression, String message) {

    public enum Severity { ERROR, WARNING }

    static ResponseIssue error(String code, String expression, String message) {
        return new ResponseIssue(Severity.ERROR, code, expression, message);
    }
}
