package fi.vointi.web;

import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.Questionnaire.QuestionnaireItemType;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.Range;
import org.hl7.fhir.r4.model.UsageContext;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Pages, enableWhen over all answers, where to resume, and every answer type from form fields and back. */
class QuestionnairePagesTest {
    static Questionnaire questionnaire() {
        Questionnaire q = new Questionnaire();
        var a = q.addItem().setLinkId("a").setText("A").setType(QuestionnaireItemType.GROUP);
        a.addItem().setLinkId("a.any").setText("Any?").setType(QuestionnaireItemType.BOOLEAN).setRequired(true);
        var more = a.addItem().setLinkId("a.more").setText("How many?").setType(QuestionnaireItemType.INTEGER).setRequired(true);
        more.addEnableWhen().setQuestion("a.any").setOperator(Questionnaire.QuestionnaireItemOperator.EQUAL).setAnswer(new BooleanType(true));
        more.addExtension(QuestionnaireForm.MIN_VALUE, new IntegerType(1));
        more.addExtension(QuestionnaireForm.MAX_VALUE, new IntegerType(10));
        var chained = a.addItem().setLinkId("a.chained").setText("Since?").setType(QuestionnaireItemType.DATE);
        chained.addEnableWhen().setQuestion("a.more").setOperator(Questionnaire.QuestionnaireItemOperator.EXISTS).setAnswer(new BooleanType(true));
        var b = q.addItem().setLinkId("b").setText("B").setType(QuestionnaireItemType.GROUP);
        var pick = b.addItem().setLinkId("b.pick").setText("Pick").setType(QuestionnaireItemType.CHOICE).setRepeats(true);
        pick.addAnswerOption().setValue(new Coding("urn:x", "x", "Ex"));
        pick.addAnswerOption().setValue(new Coding("urn:x", "y", "Why"));
        var open = b.addItem().setLinkId("b.open").setText("Open").setType(QuestionnaireItemType.OPENCHOICE);
        open.addAnswerOption().setValue(new Coding("urn:x", "x", "Ex"));
        q.addItem().setLinkId("c").setText("C").setType(QuestionnaireItemType.DECIMAL);
        q.addItem().setLinkId("d").setText("D").setType(QuestionnaireItemType.STRING);
        return q;
    }

    @Test
    void oneGroupPerPageLooseQuestionsTogetherPageControlAndChildren() {
        Questionnaire q = questionnaire();
        assertEquals(List.of(List.of("a"), List.of("b"), List.of("c", "d")), QuestionnairePages.pages(q).stream()
                .map(p -> p.items().stream().map(i -> i.getLinkId()).toList()).toList());
        q.getItem().get(1).addExtension(QuestionnaireForm.ITEM_CONTROL, new CodeableConcept(new Coding(
                "http://hl7.org/fhir/questionnaire-item-control", "page", null)));
        assertEquals(List.of(List.of("a"), List.of("b"), List.of("c", "d")), QuestionnairePages.pages(q).stream()
                .map(p -> p.items().stream().map(i -> i.getLinkId()).toList()).toList(), "only b is a page; a, c, d are loose");

        Questionnaire child = questionnaire();
        child.addUseContext(new UsageContext(new Coding(QuestionnairePages.USAGE_CONTEXT_TYPE, "age", null),
                new Range().setLow(new Quantity(7)).setHigh(new Quantity(12))));
        var pages = QuestionnairePages.pages(child);
        assertEquals(7, pages.size(), "one question per page");
        assertEquals("a", pages.get(0).group().getLinkId());
    }

    @Test
    void enableWhenChainsAndResumeAt() {
        Questionnaire q = questionnaire();
        Map<String, List<String>> values = new java.util.HashMap<>(Map.of("item:a.any", List.of("false"), "item:a.more", List.of("3")));
        Set<String> enabled = QuestionnairePages.enabled(q, values);
        assertFalse(enabled.contains("a.more"));
        assertFalse(enabled.contains("a.chained"), "its condition's answer no longer counts");
        assertEquals(1, QuestionnaireForm.responseItems(q.getItem(), values, i -> enabled.contains(i.getLinkId())).get(0).getItem().size(),
                "the disabled answer is dropped");
        values.put("item:a.any", List.of("true"));
        Set<String> on = QuestionnairePages.enabled(q, values);
        assertTrue(on.containsAll(List.of("a.more", "a.chained")));

        var pages = QuestionnairePages.pages(q);
        assertEquals(2, QuestionnairePages.resumeAt(pages, on, values).number(), "page a answered; b is next");
        values.put("item:d", List.of("x"));
        assertNull(QuestionnairePages.resumeAt(pages, on, values), "an answer on a later page: the optional questions before it"
                + " were passed, nothing required is missing, so on to the review");
        values.remove("item:a.more");
        assertEquals(1, QuestionnairePages.resumeAt(pages, QuestionnairePages.enabled(q, values), values).number(),
                "a required question left open comes first");
    }

    @Test
    void everyAnswerTypeIsCheckedAndRoundTrips() {
        Questionnaire q = questionnaire();
        Map<String, List<String>> values = Map.of("item:a.any", List.of("true"), "item:a.more", List.of("11"),
                "item:a.chained", List.of("31.3.2026"), "item:c", List.of("1,5x"), "item:b.pick", List.of("x", "z"));
        Map<String, QuestionnaireForm.FieldError> problems = new java.util.LinkedHashMap<>();
        QuestionnaireForm.check(q.getItem(), values, "en", i -> true, true, problems);
        assertEquals(Set.of("a.more", "a.chained", "c", "b.pick"), problems.keySet());
        assertEquals("A number from 1 to 10.", problems.get("a.more").inline());

        Map<String, List<String>> good = Map.of("item:a.any", List.of("true"), "item:a.more", List.of("10"),
                "item:a.chained", List.of("2026-03-31"), "item:c", List.of("1,5"), "item:b.pick", List.of("x", "y"),
                "item:b.open", List.of(QuestionnaireForm.OTHER), "other:b.open", List.of("Zed"), "item:d", List.of("text"));
        problems.clear();
        QuestionnaireForm.check(q.getItem(), good, "en", i -> true, true, problems);
        assertTrue(problems.isEmpty(), problems.toString());
        QuestionnaireResponse response = new QuestionnaireResponse();
        response.setItem(QuestionnaireForm.responseItems(q.getItem(), good, i -> true));
        assertEquals("1.5", response.getItem().get(2).getAnswerFirstRep().getValueDecimalType().getValueAsString());
        assertEquals("Zed", response.getItem().get(1).getItem().get(1).getAnswerFirstRep().getValueStringType().getValue());
        assertEquals(Map.of("item:a.any", List.of("true"), "item:a.more", List.of("10"), "item:a.chained", List.of("2026-03-31"),
                "item:c", List.of("1.5"), "item:b.pick", List.of("x", "y"), "item:b.open", List.of(QuestionnaireForm.OTHER),
                "other:b.open", List.of("Zed"), "item:d", List.of("text")), QuestionnaireForm.values(q, response));
        assertEquals(List.of("Ex", "Why"), QuestionnaireForm.answerLabels(q.getItem().get(1).getItem().get(0), good, "en"));

        var views = QuestionnaireForm.items(q.getItem(), "en", good, Map.of(), false, i -> true);
        assertEquals("boolean", views.get(0).children().get(0).kind());
        assertEquals("checkboxes", views.get(1).children().get(0).kind());
        assertEquals("openchoice", views.get(1).children().get(1).kind());
        assertEquals("Zed", views.get(1).children().get(1).otherValue());
        assertEquals("date", views.get(0).children().get(2).kind());
        assertNull(views.get(3).hint());
    }

    @Test
    void liveConditionsOnlyForSourcesOnThePageAndOperatorsTheScriptKnows() {
        Questionnaire q = questionnaire();
        var b = q.getItem().get(1);
        var coded = b.addItem().setLinkId("b.coded").setText("Why?").setType(QuestionnaireItemType.STRING);
        coded.addEnableWhen().setQuestion("b.pick").setOperator(Questionnaire.QuestionnaireItemOperator.NOT_EQUAL)
                .setAnswer(new Coding("urn:x", "y", null));
        var otherSystem = b.addItem().setLinkId("b.otherSystem").setText("?").setType(QuestionnaireItemType.STRING);
        otherSystem.addEnableWhen().setQuestion("b.pick").setOperator(Questionnaire.QuestionnaireItemOperator.EQUAL)
                .setAnswer(new Coding("urn:other", "y", null));
        var big = q.addItem().setLinkId("e").setText("Big").setType(QuestionnaireItemType.STRING);
        big.addEnableWhen().setQuestion("c").setOperator(Questionnaire.QuestionnaireItemOperator.GREATER_OR_EQUAL)
                .setAnswer(new org.hl7.fhir.r4.model.DecimalType("2.5"));
        big.addEnableWhen().setQuestion("a.any").setOperator(Questionnaire.QuestionnaireItemOperator.EQUAL)
                .setAnswer(new BooleanType(true));
        big.setEnableBehavior(Questionnaire.EnableWhenBehavior.ANY);
        var text = q.addItem().setLinkId("f").setText("Text").setType(QuestionnaireItemType.STRING);
        text.addEnableWhen().setQuestion("d").setOperator(Questionnaire.QuestionnaireItemOperator.EQUAL)
                .setAnswer(new org.hl7.fhir.r4.model.StringType("x"));
        var number = q.addItem().setLinkId("g").setText("Number").setType(QuestionnaireItemType.STRING);
        number.addEnableWhen().setQuestion("c").setOperator(Questionnaire.QuestionnaireItemOperator.LESS_THAN)
                .setAnswer(new IntegerType(3));

        var sub = q.getItem().get(0).addItem().setLinkId("a.sub").setText("More").setType(QuestionnaireItemType.GROUP);
        sub.addEnableWhen().setQuestion("a.any").setOperator(Questionnaire.QuestionnaireItemOperator.EQUAL)
                .setAnswer(new BooleanType(true));
        sub.addItem().setLinkId("a.sub.x").setText("X").setType(QuestionnaireItemType.STRING);
        sub.addItem().setLinkId("a.sub.y").setText("Y").setType(QuestionnaireItemType.STRING).addEnableWhen()
                .setQuestion("d").setOperator(Questionnaire.QuestionnaireItemOperator.EXISTS).setAnswer(new BooleanType(true));

        var pages = QuestionnairePages.pages(q);
        Set<String> enabled = QuestionnairePages.enabled(q, Map.of());
        // page a: a.more on a.any (boolean), a.chained on a.more (exists) — a chain of live questions, both hidden
        var a = LiveEnableWhen.conditions(pages.get(0), enabled);
        assertEquals(Set.of("a.more", "a.chained", "a.sub"), a.keySet());
        // a live group brings its plain questions along; a question in it that depends on another page does not come
        Set<String> renderedA = LiveEnableWhen.rendered(pages.get(0), enabled, a);
        assertTrue(renderedA.containsAll(Set.of("a", "a.any", "a.more", "a.chained", "a.sub", "a.sub.x")), renderedA.toString());
        assertFalse(renderedA.contains("a.sub.y"));
        assertTrue(a.get("a.more").hidden());
        assertEquals("[{\"question\":\"a.any\",\"operator\":\"=\",\"type\":\"boolean\",\"answer\":\"true\"}]", a.get("a.more").json());
        assertEquals("[{\"question\":\"a.more\",\"operator\":\"exists\",\"type\":\"exists\",\"answer\":\"true\"}]", a.get("a.chained").json());
        assertEquals("all", a.get("a.more").behavior());
        // page b: != on a code of the options is live (and enabled: shown); a code of another system stays server-only
        var bPage = LiveEnableWhen.conditions(pages.get(1), enabled);
        assertEquals(Set.of("b.coded"), bPage.keySet());
        assertFalse(bPage.get("b.coded").hidden());
        assertEquals("[{\"question\":\"b.pick\",\"operator\":\"!=\",\"type\":\"code\",\"answer\":\"y\"}]", bPage.get("b.coded").json());
        // loose page: e depends also on a.any (another page) → server-only; f on a string → server-only; g on c < 3 → live
        var loose = LiveEnableWhen.conditions(pages.get(2), enabled);
        assertEquals(Set.of("g"), loose.keySet());
        assertEquals("[{\"question\":\"c\",\"operator\":\"<\",\"type\":\"number\",\"answer\":\"3\"}]", loose.get("g").json());
        assertTrue(LiveEnableWhen.rendered(pages.get(2), enabled, loose).containsAll(Set.of("c", "d", "g")));
        assertFalse(LiveEnableWhen.rendered(pages.get(2), enabled, loose).contains("e"));

        // once a.any = yes, a.more is enabled (not hidden); a.chained still waits for a.more
        var answered = LiveEnableWhen.conditions(pages.get(0), QuestionnairePages.enabled(q, Map.of("item:a.any", List.of("true"))));
        assertFalse(answered.get("a.more").hidden());
        assertTrue(answered.get("a.chained").hidden());
    }
}
