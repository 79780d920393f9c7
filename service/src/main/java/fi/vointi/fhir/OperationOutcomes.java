package fi.vointi.fhir;

import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

import java.util.stream.Collectors;

/** Small builders for OperationOutcome, the body of every FHIR error reply. */
public final class OperationOutcomes {
    private OperationOutcomes() {
    }

    public static OperationOutcome error(IssueType type, String message, String expression) {
        OperationOutcome outcome = new OperationOutcome();
        outcome.addIssue(issue(IssueSeverity.ERROR, type, message, expression));
        return outcome;
    }

    public static OperationOutcome.OperationOutcomeIssueComponent issue(
            IssueSeverity severity, IssueType type, String message, String expression) {
        OperationOutcome.OperationOutcomeIssueComponent issue = new OperationOutcome.OperationOutcomeIssueComponent()
                .setSeverity(severity)
                .setCode(type)
                .setDiagnostics(message);
        issue.getDetails().setText(message);
        if (expression != null) {
            issue.addExpression(expression);
        }
        return issue;
    }

    /** One line naming every issue, for logs and exception messages. */
    public static String summary(OperationOutcome outcome) {
        return outcome.getIssue().stream()
                .map(i -> i.getDiagnostics() + (i.hasExpression() ? " @ " + i.getExpression().get(0).getValue() : ""))
                .collect(Collectors.joining("; "));
    }
}
