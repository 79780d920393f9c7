package fi.vointi.web;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import fi.vointi.web.QuestionnairePages.PageDef;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Questionnaire.EnableWhenBehavior;
import org.hl7.fhir.r4.model.Questionnaire.QuestionnaireItemAnswerOptionComponent;
import org.hl7.fhir.r4.model.Questionnaire.QuestionnaireItemComponent;
import org.hl7.fhir.r4.model.Questionnaire.QuestionnaireItemEnableWhenComponent;
import org.hl7.fhir.r4.model.Questionnaire.QuestionnaireItemOperator;
import org.hl7.fhir.r4.model.Questionnaire.QuestionnaireItemType;
import org.hl7.fhir.r4.model.Type;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The {@code enableWhen} conditions of one page that the browser script {@code /assets/enable-when.js} can evaluate
 * live (docs/web.md, "enableWhen live in the browser"). An item qualifies when every one of its conditions has its
 * source question on the same page (shown or itself live) and an operator and answer type the script knows:
 * {@code exists}; {@code =}/{@code !=} on a choice code or a boolean; {@code = != > < >= <=} on an integer or decimal
 * question. Such an item is rendered even while disabled (then {@code hidden}); every other item keeps the server-only
 * behaviour. The server still decides after each post: this only says what may be shown before it.
 */
public final class LiveEnableWhen {
    private static final JsonFactory JSON = new JsonFactory();

    private LiveEnableWhen() {
    }

    /**
     * One item's conditions for the script.
     *
     * @param hidden   disabled by the answers the server knows (rendered with {@code hidden})
     * @param json     the conditions: {@code [{"question":linkId,"operator":"=","type":"code|boolean|number|exists","answer":"…"}]}
     * @param behavior {@code any} or {@code all}
     */
    public record Condition(boolean hidden, String json, String behavior) {
    }

    /** linkId → conditions, for the items of {@code page} whose conditions the script can evaluate. */
    public static Map<String, Condition> conditions(PageDef page, Set<String> enabled) {
        Map<String, QuestionnaireItemComponent> questions = new HashMap<>();
        page.questions().forEach(q -> questions.put(q.getLinkId(), q));
        Map<String, QuestionnaireItemComponent> candidates = new LinkedHashMap<>();
        Map<String, String> parents = new HashMap<>();
        Map<String, QuestionnaireItemComponent> all = new HashMap<>();
        collect(page.items(), null, questions, candidates, parents, all);
        // drop candidates whose source question or parent group is not on the page, until nothing changes
        boolean changed = true;
        while (changed) {
            changed = false;
            for (var it = candidates.entrySet().iterator(); it.hasNext(); ) {
                QuestionnaireItemComponent item = it.next().getValue();
                boolean parentOn = onPage(parents.get(item.getLinkId()), enabled, candidates, parents, all);
                boolean sourcesOn = item.getEnableWhen().stream()
                        .allMatch(c -> onPage(c.getQuestion(), enabled, candidates, parents, all));
                if (!parentOn || !sourcesOn) {
                    it.remove();
                    changed = true;
                }
            }
        }
        Map<String, Condition> conditions = new LinkedHashMap<>();
        candidates.forEach((linkId, item) -> conditions.put(linkId, new Condition(!enabled.contains(linkId),
                json(item.getEnableWhen(), questions), item.getEnableBehavior() == EnableWhenBehavior.ANY ? "any" : "all")));
        return conditions;
    }

    private static void collect(List<QuestionnaireItemComponent> items, String parent,
                                Map<String, QuestionnaireItemComponent> questions,
                                Map<String, QuestionnaireItemComponent> candidates, Map<String, String> parents,
                                Map<String, QuestionnaireItemComponent> all) {
        for (QuestionnaireItemComponent item : items) {
            all.put(item.getLinkId(), item);
            if (parent != null) {
                parents.put(item.getLinkId(), parent);
            }
            if (item.hasEnableWhen() && item.getEnableWhen().stream().allMatch(c -> supported(c, questions.get(c.getQuestion())))) {
                candidates.put(item.getLinkId(), item);
            }
            collect(item.getItem(), item.getLinkId(), questions, candidates, parents, all);
        }
    }

    /**
     * Whether the item is rendered on the page: enabled or live, or without conditions of its own inside a rendered
     * group (it comes and goes with the group). Null (no parent) is the page itself.
     */
    private static boolean onPage(String linkId, Set<String> enabled, Map<String, QuestionnaireItemComponent> candidates,
                                  Map<String, String> parents, Map<String, QuestionnaireItemComponent> all) {
        if (linkId == null) {
            return true;
        }
        QuestionnaireItemComponent item = all.get(linkId);
        if (item == null) {
            return false;
        }
        boolean own = enabled.contains(linkId) || candidates.containsKey(linkId) || !item.hasEnableWhen();
        return own && onPage(parents.get(linkId), enabled, candidates, parents, all);
    }

    /** Whether the script can evaluate {@code condition} on the page's question {@code source} (null: not on the page). */
    static boolean supported(QuestionnaireItemEnableWhenComponent condition, QuestionnaireItemComponent source) {
        if (source == null || condition.getOperator() == null || condition.getAnswer() == null) {
            return false;
        }
        QuestionnaireItemOperator operator = condition.getOperator();
        Type answer = condition.getAnswer();
        if (operator == QuestionnaireItemOperator.EXISTS) {
            // an open choice's "something else" counts only with its text: left to the server
            return answer instanceof BooleanType b && b.hasValue() && source.getType() != QuestionnaireItemType.OPENCHOICE;
        }
        boolean equality = operator == QuestionnaireItemOperator.EQUAL || operator == QuestionnaireItemOperator.NOT_EQUAL;
        return switch (source.getType()) {
            case CHOICE, OPENCHOICE -> equality && answer instanceof Coding coding && optionCode(source, coding) != null;
            case BOOLEAN -> equality && answer instanceof BooleanType b && b.hasValue();
            case INTEGER, DECIMAL -> (answer instanceof IntegerType i && i.hasValue() || answer instanceof DecimalType d && d.hasValue())
                    && operator != QuestionnaireItemOperator.NULL;
            default -> false;
        };
    }

    /** The form value of the answer option that equals {@code coding} (same system and code), or null. */
    private static String optionCode(QuestionnaireItemComponent source, Coding coding) {
        if (!coding.hasCode()) {
            return null;
        }
        for (QuestionnaireItemAnswerOptionComponent option : source.getAnswerOption()) {
            if (option.getValue() instanceof Coding c && coding.getCode().equals(c.getCode())
                    && Objects.equals(blank(coding.getSystem()), blank(c.getSystem()))) {
                return QuestionnaireForm.optionValue(option);
            }
        }
        return null;
    }

    private static String blank(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    private static String json(List<QuestionnaireItemEnableWhenComponent> conditions, Map<String, QuestionnaireItemComponent> questions) {
        StringWriter out = new StringWriter();
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartArray();
            for (QuestionnaireItemEnableWhenComponent condition : conditions) {
                QuestionnaireItemComponent source = questions.get(condition.getQuestion());
                Type answer = condition.getAnswer();
                json.writeStartObject();
                json.writeStringField("question", condition.getQuestion());
                json.writeStringField("operator", condition.getOperator().toCode());
                String type = condition.getOperator() == QuestionnaireItemOperator.EXISTS ? "exists"
                        : answer instanceof Coding ? "code" : answer instanceof BooleanType ? "boolean" : "number";
                json.writeStringField("type", type);
                json.writeStringField("answer", answer instanceof Coding coding ? optionCode(source, coding) : answer.primitiveValue());
                json.writeEndObject();
            }
            json.writeEndArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /**
     * The items to render on the page: the enabled ones, the live ones, and those without conditions of their own
     * inside a rendered group.
     */
    public static Set<String> rendered(PageDef page, Set<String> enabled, Map<String, Condition> conditions) {
        Set<String> rendered = new HashSet<>(enabled);
        addRendered(page.items(), enabled, conditions, rendered);
        return rendered;
    }

    private static void addRendered(List<QuestionnaireItemComponent> items, Set<String> enabled, Map<String, Condition> conditions,
                                    Set<String> rendered) {
        for (QuestionnaireItemComponent item : items) {
            if (enabled.contains(item.getLinkId()) || conditions.containsKey(item.getLinkId()) || !item.hasEnableWhen()) {
                rendered.add(item.getLinkId());
                addRendered(item.getItem(), enabled, conditions, rendered);
            }
        }
    }
}
