package fi.vointi.web;

import fi.vointi.responses.EnableWhenRules;
import io.micronaut.core.annotation.Nullable;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.Questionnaire.QuestionnaireItemComponent;
import org.hl7.fhir.r4.model.Questionnaire.QuestionnaireItemType;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Range;
import org.hl7.fhir.r4.model.Type;
import org.hl7.fhir.r4.model.UsageContext;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A fixed questionnaire split into pages, and which of its questions are enabled by the answers given so far.
 * <ul>
 * <li>Top-level items with the SDC {@code itemControl} {@code page} are pages of their own (other top-level items next
 * to each other share a page);</li>
 * <li>otherwise a questionnaire for young children ({@code useContext} {@code age} whose upper end is at most
 * {@value #YOUNG_CHILD_MAX_AGE} years) gets one question per page (display texts go with the next question);</li>
 * <li>otherwise each top-level group is a page, and top-level questions next to each other share one.</li>
 * </ul>
 * {@code enableWhen} is evaluated on the server over all answers ({@link EnableWhenRules}, the rules the stored
 * response is validated with); a question inside a disabled group is disabled.
 */
public final class QuestionnairePages {
    public static final int YOUNG_CHILD_MAX_AGE = 12;
    static final String USAGE_CONTEXT_TYPE = "http://terminology.hl7.org/CodeSystem/usage-context-type";

    private QuestionnairePages() {
    }

    /**
     * One page: the items on it (top-level items, or one question of a group) and, when the question was taken out
     * of its group, that group (its text is shown as the page's context).
     */
    public record PageDef(int number, List<QuestionnaireItemComponent> items, @Nullable QuestionnaireItemComponent group) {
        /** The questions (not groups, not display texts) on the page, depth first. */
        public List<QuestionnaireItemComponent> questions() {
            List<QuestionnaireItemComponent> questions = new ArrayList<>();
            leaves(items, questions);
            return questions;
        }
    }

    public static List<PageDef> pages(Questionnaire questionnaire) {
        List<List<QuestionnaireItemComponent>> pages = new ArrayList<>();
        List<QuestionnaireItemComponent> groups = new ArrayList<>();
        boolean paged = questionnaire.getItem().stream().anyMatch(i -> "page".equals(QuestionnaireForm.itemControl(i)));
        if (!paged && forYoungChildren(questionnaire)) {
            List<QuestionnaireItemComponent> pending = new ArrayList<>();
            onePerQuestion(questionnaire.getItem(), null, pending, pages, groups);
            if (!pending.isEmpty()) {
                pages.add(pending);
                groups.add(null);
            }
        } else {
            List<QuestionnaireItemComponent> loose = new ArrayList<>();
            for (QuestionnaireItemComponent item : questionnaire.getItem()) {
                boolean ownPage = paged ? "page".equals(QuestionnaireForm.itemControl(item)) : item.getType() == QuestionnaireItemType.GROUP;
                if (ownPage) {
                    if (!loose.isEmpty()) {
                        pages.add(loose);
                        groups.add(null);
                        loose = new ArrayList<>();
                    }
                    pages.add(List.of(item));
                    groups.add(null);
                } else {
                    loose.add(item);
                }
            }
            if (!loose.isEmpty()) {
                pages.add(loose);
                groups.add(null);
            }
        }
        List<PageDef> defs = new ArrayList<>();
        for (int i = 0; i < pages.size(); i++) {
            defs.add(new PageDef(i + 1, List.copyOf(pages.get(i)), groups.get(i)));
        }
        return defs;
    }

    private static void onePerQuestion(List<QuestionnaireItemComponent> items, @Nullable QuestionnaireItemComponent group,
                                       List<QuestionnaireItemComponent> pending, List<List<QuestionnaireItemComponent>> pages,
                                       List<QuestionnaireItemComponent> groups) {
        for (QuestionnaireItemComponent item : items) {
            if (item.getType() == QuestionnaireItemType.GROUP) {
                onePerQuestion(item.getItem(), item, pending, pages, groups);
            } else if (item.getType() == QuestionnaireItemType.DISPLAY) {
                pending.add(item);
            } else {
                pending.add(item);
                pages.add(new ArrayList<>(pending));
                groups.add(group);
                pending.clear();
            }
        }
    }

    /** Whether the questionnaire is meant for young children (useContext age up to 12 years). */
    public static boolean forYoungChildren(Questionnaire questionnaire) {
        for (UsageContext context : questionnaire.getUseContext()) {
            if (USAGE_CONTEXT_TYPE.equals(context.getCode().getSystem()) && "age".equals(context.getCode().getCode())
                && context.getValue() instanceof Range range && range.hasHigh()) {
                Quantity high = range.getHigh();
                return high.hasValue() && high.getValue().doubleValue() <= YOUNG_CHILD_MAX_AGE;
            }
        }
        return false;
    }

    /**
     * The linkIds of the enabled items for these answers. Evaluated until nothing changes, because an answer to a
     * question that becomes disabled no longer counts for the questions depending on it.
     */
    public static Set<String> enabled(Questionnaire questionnaire, Map<String, List<String>> values) {
        Map<String, QuestionnaireItemComponent> definitions = new LinkedHashMap<>();
        collect(questionnaire.getItem(), definitions);
        Set<String> enabled = new HashSet<>(definitions.keySet());
        for (int round = 0; round <= definitions.size(); round++) {
            Map<String, List<Type>> answers = new HashMap<>();
            for (QuestionnaireItemComponent definition : definitions.values()) {
                if (enabled.contains(definition.getLinkId())) {
                    answers.put(definition.getLinkId(), QuestionnaireForm.answers(definition, values));
                }
            }
            Set<String> next = new HashSet<>();
            walk(questionnaire.getItem(), true, answers, next);
            if (next.equals(enabled)) {
                break;
            }
            enabled = next;
        }
        return enabled;
    }

    private static void walk(List<QuestionnaireItemComponent> items, boolean parentEnabled, Map<String, List<Type>> answers,
                             Set<String> enabled) {
        for (QuestionnaireItemComponent item : items) {
            boolean on = parentEnabled && EnableWhenRules.isEnabled(item, linkId -> answers.getOrDefault(linkId, List.of()));
            if (on) {
                enabled.add(item.getLinkId());
            }
            walk(item.getItem(), on, answers, enabled);
        }
    }

    /** Whether the page shows anything to answer for these enabled items. */
    public static boolean hasEnabledQuestion(PageDef page, Set<String> enabled) {
        return page.questions().stream().anyMatch(q -> enabled.contains(q.getLinkId()));
    }

    /**
     * Where a person resumes: the first page with an enabled question that has no answer and that the person has not
     * passed (a page is passed when some answer on it or on a later page exists); null when all are done (review).
     */
    @Nullable
    public static PageDef resumeAt(List<PageDef> pages, Set<String> enabled, Map<String, List<String>> values) {
        int lastAnswered = -1;
        for (int i = 0; i < pages.size(); i++) {
            if (pages.get(i).questions().stream().anyMatch(q -> enabled.contains(q.getLinkId()) && answered(q, values))) {
                lastAnswered = i;
            }
        }
        for (int n = 0; n < pages.size(); n++) {
            PageDef page = pages.get(n);
            final int i = n;
            final int passed = lastAnswered;
            boolean open = page.questions().stream().anyMatch(q -> enabled.contains(q.getLinkId()) && !answered(q, values)
                    && (q.getRequired() || i > passed));
            if (open) {
                return page;
            }
        }
        return null;
    }

    public static boolean answered(QuestionnaireItemComponent question, Map<String, List<String>> values) {
        return !QuestionnaireForm.answers(question, values).isEmpty();
    }

    private static void collect(List<QuestionnaireItemComponent> items, Map<String, QuestionnaireItemComponent> into) {
        for (QuestionnaireItemComponent item : items) {
            into.put(item.getLinkId(), item);
            collect(item.getItem(), into);
        }
    }

    private static void leaves(List<QuestionnaireItemComponent> items, List<QuestionnaireItemComponent> into) {
        for (QuestionnaireItemComponent item : items) {
            if (item.getType() == QuestionnaireItemType.GROUP) {
                leaves(item.getItem(), into);
            } else if (item.getType() != QuestionnaireItemType.DISPLAY) {
                into.add(item);
            }
        }
    }
}
