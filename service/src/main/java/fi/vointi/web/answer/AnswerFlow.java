package fi.vointi.web.answer;

import fi.vointi.fhir.FhirException;
import fi.vointi.web.HtmlPages;
import fi.vointi.web.Languages;
import fi.vointi.web.LiveEnableWhen;
import fi.vointi.web.Messages;
import fi.vointi.web.Page;
import fi.vointi.web.QuestionnaireForm;
import fi.vointi.web.QuestionnaireForm.FieldError;
import fi.vointi.web.QuestionnairePages;
import fi.vointi.web.QuestionnairePages.PageDef;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import jakarta.inject.Singleton;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.Questionnaire.QuestionnaireItemComponent;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.QuestionnaireResponse.QuestionnaireResponseStatus;

import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The paged answering of a fixed questionnaire, shared by the signed-in app ({@code /app/answer/…}) and the invitation
 * link ({@code /invitation/{token}/…}): pages, progress, Back, save on every page, resume, review and send. What is
 * stored and who may store it is decided by the caller's {@link Target} through the existing services; this class only
 * turns pages into answers and back. Every post answers 303 (post/redirect/get) or 422 with the page and its errors.
 */
@Singleton
public class AnswerFlow {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(AnswerFlow.class);
    private final HtmlPages pages;

    public AnswerFlow(HtmlPages pages) {
        this.pages = pages;
    }

    /** Stores a draft (in-progress) and answers the address base of the saved draft. */
    @FunctionalInterface
    public interface Saver {
        String save(QuestionnaireResponse response);
    }

    /** Stores the completed response and answers where to go next. */
    @FunctionalInterface
    public interface Sender {
        String send(QuestionnaireResponse response);
    }

    /**
     * What is being answered.
     *
     * @param draft       the stored draft, or a new empty response (no id) before the first save
     * @param base        the draft's address: pages at {@code base/page/n}, review at {@code base/review}
     * @param firstAction where page 1 posts before there is a draft (the start address), or null
     * @param forWhom     "Answering for Onni", or null
     */
    public record Target(Questionnaire questionnaire, QuestionnaireResponse draft, String base, @Nullable String firstAction,
                         @Nullable String forWhom) {
        boolean saved() {
            return draft.getIdElement().hasIdPart();
        }
    }

    // ---- pages -----------------------------------------------------------------------------------------

    /** 303 to where this person goes on: the first unanswered page, else the review. */
    public MutableHttpResponse<String> resume(Target target, String lang) {
        Map<String, List<String>> values = QuestionnaireForm.values(target.questionnaire(), target.draft());
        Set<String> enabled = QuestionnairePages.enabled(target.questionnaire(), values);
        PageDef page = QuestionnairePages.resumeAt(QuestionnairePages.pages(target.questionnaire()), enabled, values);
        return seeOther(page == null ? target.base() + "/review" : pageHref(target, page.number()), lang);
    }

    public MutableHttpResponse<String> page(HttpRequest<?> request, String lang, Target target, int number, boolean review,
                                            boolean added) {
        List<PageDef> all = QuestionnairePages.pages(target.questionnaire());
        if (number < 1 || number > all.size()) {
            return null;
        }
        Map<String, List<String>> values = QuestionnaireForm.values(target.questionnaire(), target.draft());
        return render(request, HttpStatus.OK, lang, target, all, all.get(number - 1), values, Map.of(), review, added);
    }

    /** A page was sent: keep its answers, check them, save the draft and go on (or back). */
    public MutableHttpResponse<String> post(HttpRequest<?> request, Target target, int number, Map<String, List<String>> form,
                                            Saver saver) {
        String lang = lang(request, form);
        List<PageDef> all = QuestionnairePages.pages(target.questionnaire());
        if (number < 1 || number > all.size()) {
            return null;
        }
        PageDef page = all.get(number - 1);
        Questionnaire questionnaire = target.questionnaire();
        boolean back = "back".equals(first(form, "action"));
        boolean review = "1".equals(first(form, "review"));
        Set<String> shown = Set.of(first(form, "shown").split(","));

        // the answers stored so far, with this page's shown questions replaced by what was posted
        Map<String, List<String>> values = new LinkedHashMap<>(QuestionnaireForm.values(questionnaire, target.draft()));
        for (QuestionnaireItemComponent question : page.questions()) {
            if (shown.contains(question.getLinkId())) {
                String field = QuestionnaireForm.FIELD_PREFIX + question.getLinkId();
                String other = QuestionnaireForm.OTHER_PREFIX + question.getLinkId();
                values.remove(field);
                values.remove(other);
                if (form.containsKey(field)) {
                    values.put(field, form.get(field));
                }
                if (form.containsKey(other)) {
                    values.put(other, form.get(other));
                }
            }
        }
        Set<String> enabled = QuestionnairePages.enabled(questionnaire, values);
        Map<String, FieldError> problems = new LinkedHashMap<>();
        QuestionnaireForm.check(page.items(), values, lang, item -> enabled.contains(item.getLinkId())
                && (item.getItem().isEmpty() ? shown.contains(item.getLinkId()) : true), !back, problems);
        if (!problems.isEmpty()) {
            return render(request, HttpStatus.UNPROCESSABLE_ENTITY, lang, target, all, page, values, problems, review, false);
        }
        QuestionnaireResponse draft = target.draft().copy();
        draft.setStatus(QuestionnaireResponseStatus.INPROGRESS);
        draft.setItem(QuestionnaireForm.responseItems(questionnaire.getItem(), values, item -> enabled.contains(item.getLinkId())));
        String base;
        try {
            base = saver.save(draft);
        } catch (FhirException e) {
            if (e.status().getCode() >= 500 || e.status() == HttpStatus.NOT_FOUND || e.status() == HttpStatus.FORBIDDEN) {
                throw e;
            }
            // the page's own checks passed, so this is rare (a rule of the questionnaire the page does not know)
            LOG.info("A page of {} passed the page checks but was not saved: {}", target.questionnaire().getUrl(), e.getMessage());
            String notSaved = Messages.get(lang, "feedback.error.notSaved");
            problems.put("", new FieldError(notSaved, notSaved));
            return render(request, HttpStatus.UNPROCESSABLE_ENTITY, lang, target, all, page, values, problems, review, false);
        }
        Target saved = new Target(questionnaire, draft, base, null, target.forWhom());
        boolean newlyShown = page.questions().stream().anyMatch(q -> enabled.contains(q.getLinkId()) && !shown.contains(q.getLinkId()));
        if (newlyShown && !back) {
            // the answer just given opened more questions on this page: show them before going on
            return seeOther(pageHref(saved, number) + "?added=1" + (review ? "&review=1" : ""), lang);
        }
        if (back) {
            for (int i = number - 2; i >= 0; i--) {
                if (QuestionnairePages.hasEnabledQuestion(all.get(i), enabled)) {
                    return seeOther(pageHref(saved, i + 1), lang);
                }
            }
            return seeOther(pageHref(saved, number), lang);
        }
        if (!review) {
            for (int i = number; i < all.size(); i++) {
                if (QuestionnairePages.hasEnabledQuestion(all.get(i), enabled)) {
                    return seeOther(pageHref(saved, i + 1), lang);
                }
            }
        }
        return seeOther(base + "/review", lang);
    }

    public MutableHttpResponse<String> review(HttpRequest<?> request, String lang, Target target) {
        Map<String, List<String>> values = QuestionnaireForm.values(target.questionnaire(), target.draft());
        return renderReview(request, HttpStatus.OK, lang, target, values, Map.of());
    }

    /** Send: every enabled required question answered, then stored as completed through {@code sender}. */
    public MutableHttpResponse<String> send(HttpRequest<?> request, Target target, Map<String, List<String>> form,
                                            Sender sender) {
        String lang = lang(request, form);
        Questionnaire questionnaire = target.questionnaire();
        Map<String, List<String>> values = QuestionnaireForm.values(questionnaire, target.draft());
        Set<String> enabled = QuestionnairePages.enabled(questionnaire, values);
        Map<String, FieldError> problems = new LinkedHashMap<>();
        QuestionnaireForm.check(questionnaire.getItem(), values, lang, item -> enabled.contains(item.getLinkId()), true, problems);
        if (!problems.isEmpty()) {
            return renderReview(request, HttpStatus.UNPROCESSABLE_ENTITY, lang, target, values, problems);
        }
        QuestionnaireResponse completed = target.draft().copy();
        completed.setStatus(QuestionnaireResponseStatus.COMPLETED);
        completed.setItem(QuestionnaireForm.responseItems(questionnaire.getItem(), values, item -> enabled.contains(item.getLinkId())));
        // authored is the server's: the time ResponseService stores it as completed (README, "authored")
        String next;
        try {
            next = sender.send(completed);
        } catch (FhirException e) {
            if (e.status() != HttpStatus.UNPROCESSABLE_ENTITY) {
                throw e;
            }
            LOG.info("An answer to {} passed the page checks but was not sent: {}", target.questionnaire().getUrl(), e.getMessage());
            String notSaved = Messages.get(lang, "feedback.error.notSaved");
            problems.put("", new FieldError(notSaved, notSaved));
            return renderReview(request, HttpStatus.UNPROCESSABLE_ENTITY, lang, target, values, problems);
        }
        return HttpResponse.<String>seeOther(URI.create(next)).header("Cache-Control", "no-store");
    }

    // ---- rendering -------------------------------------------------------------------------------------

    private MutableHttpResponse<String> render(HttpRequest<?> request, HttpStatus status, String lang, Target target,
                                               List<PageDef> all, PageDef page, Map<String, List<String>> values,
                                               Map<String, FieldError> problems, boolean review, boolean added) {
        Questionnaire questionnaire = target.questionnaire();
        Set<String> enabled = QuestionnairePages.enabled(questionnaire, values);
        boolean child = QuestionnairePages.forYoungChildren(questionnaire);
        // questions the browser script can open live are rendered hidden too (the server still decides after the post)
        Map<String, LiveEnableWhen.Condition> live = LiveEnableWhen.conditions(page, enabled);
        Set<String> rendered = LiveEnableWhen.rendered(page, enabled, live);
        List<QuestionnaireForm.ItemView> items = QuestionnaireForm.items(page.items(), lang, values, problems, child,
                item -> rendered.contains(item.getLinkId()));
        List<QuestionnaireForm.Problem> summary = new ArrayList<>(QuestionnaireForm.problems(items, problems));
        if (problems.containsKey("")) {
            summary.add(0, new QuestionnaireForm.Problem(items.isEmpty() ? "main" : items.get(0).focusId(), problems.get("").summary()));
        }
        List<PageDef> visible = all.stream().filter(p -> QuestionnairePages.hasEnabledQuestion(p, enabled) || p == page).toList();
        int step = visible.indexOf(page) + 1;
        String title = Languages.text(questionnaire.getTitleElement(), lang);
        Page layout = Page.of(request, lang, (summary.isEmpty() ? "" : Messages.get(lang, "title.error.prefix") + ": ")
                + Messages.get(lang, "app.answer.pageTitle", title, step, visible.size()))
                .withHere(!target.saved() && target.firstAction() != null ? target.firstAction() : pageHref(target, page.number()));
        if (child) {
            layout = layout.withBodyClass("child");
        }
        if (!live.isEmpty()) {
            layout = layout.withScript("/assets/enable-when.js", null);
        }
        List<AnswerViews.Hidden> hidden = new ArrayList<>();
        hidden.add(new AnswerViews.Hidden("lang", lang));
        hidden.add(new AnswerViews.Hidden("shown", String.join(",", page.questions().stream()
                .filter(q -> enabled.contains(q.getLinkId())).map(QuestionnaireItemComponent::getLinkId).toList())));
        if (review) {
            hidden.add(new AnswerViews.Hidden("review", "1"));
        }
        String action = !target.saved() && target.firstAction() != null ? target.firstAction() : pageHref(target, page.number());
        AnswerViews.PageView view = new AnswerViews.PageView(title, Languages.languageOf(questionnaire.getTitleElement(), lang),
                target.forWhom(), Messages.get(lang, "app.answer.progress", step, visible.size()), step, visible.size(),
                page.group() == null ? null : Languages.text(page.group().getTextElement(), lang),
                page.group() == null ? lang : Languages.languageOf(page.group().getTextElement(), lang),
                items, live, summary, action, hidden, added, step <= 1, review,
                Messages.get(lang, child ? "feedback.scale.low.child" : "app.answer.scale.low"),
                Messages.get(lang, child ? "feedback.scale.high.child" : "app.answer.scale.high"));
        return pages.render(request, status, "app/answer/page", layout, view);
    }

    private MutableHttpResponse<String> renderReview(HttpRequest<?> request, HttpStatus status, String lang, Target target,
                                                     Map<String, List<String>> values, Map<String, FieldError> problems) {
        Questionnaire questionnaire = target.questionnaire();
        Set<String> enabled = QuestionnairePages.enabled(questionnaire, values);
        List<AnswerViews.ReviewSection> sections = new ArrayList<>();
        List<QuestionnaireForm.Problem> summary = new ArrayList<>();
        if (problems.containsKey("")) {
            summary.add(new QuestionnaireForm.Problem("main", problems.get("").summary()));
        }
        for (PageDef page : QuestionnairePages.pages(questionnaire)) {
            if (!QuestionnairePages.hasEnabledQuestion(page, enabled)) {
                continue;
            }
            List<AnswerViews.ReviewRow> rows = new ArrayList<>();
            for (QuestionnaireItemComponent question : page.questions()) {
                if (!enabled.contains(question.getLinkId())) {
                    continue;
                }
                String id = "review-" + QuestionnaireForm.htmlId(question.getLinkId());
                FieldError error = problems.get(question.getLinkId());
                if (error != null) {
                    summary.add(new QuestionnaireForm.Problem(id, error.summary()));
                }
                String prefix = Languages.text(question.getPrefixElement(), lang);
                rows.add(new AnswerViews.ReviewRow(id, (prefix.isEmpty() ? "" : prefix + " ") + Languages.text(question.getTextElement(), lang),
                        Languages.languageOf(question.getTextElement(), lang), QuestionnaireForm.answerLabels(question, values, lang),
                        pageHref(target, page.number()) + "?review=1#" + QuestionnaireForm.htmlId(question.getLinkId()),
                        error == null ? null : error.inline()));
            }
            QuestionnaireItemComponent heading = page.group() != null ? page.group()
                    : page.items().size() == 1 && !page.items().get(0).getItem().isEmpty() ? page.items().get(0) : null;
            sections.add(new AnswerViews.ReviewSection(heading == null ? "" : Languages.text(heading.getTextElement(), lang),
                    heading == null ? lang : Languages.languageOf(heading.getTextElement(), lang), rows));
        }
        // one-question pages of the same group share one heading
        List<AnswerViews.ReviewSection> merged = new ArrayList<>();
        for (AnswerViews.ReviewSection section : sections) {
            AnswerViews.ReviewSection last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
            if (last != null && !section.heading().isEmpty() && last.heading().equals(section.heading())) {
                List<AnswerViews.ReviewRow> rows = new ArrayList<>(last.rows());
                rows.addAll(section.rows());
                merged.set(merged.size() - 1, new AnswerViews.ReviewSection(last.heading(), last.headingLang(), rows));
            } else {
                merged.add(section);
            }
        }
        String title = Languages.text(questionnaire.getTitleElement(), lang);
        Page layout = Page.of(request, lang, (summary.isEmpty() ? "" : Messages.get(lang, "title.error.prefix") + ": ")
                + Messages.get(lang, "app.answer.review.title") + " – " + title).withHere(target.base() + "/review");
        if (QuestionnairePages.forYoungChildren(questionnaire)) {
            layout = layout.withBodyClass("child");
        }
        AnswerViews.ReviewView view = new AnswerViews.ReviewView(title, Languages.languageOf(questionnaire.getTitleElement(), lang),
                target.forWhom(), merged, summary, target.base() + "/send", List.of(new AnswerViews.Hidden("lang", lang)));
        return pages.render(request, status, "app/answer/review", layout, view);
    }

    // ---- helpers ---------------------------------------------------------------------------------------

    static String pageHref(Target target, int number) {
        return target.base() + "/page/" + number;
    }

    private static MutableHttpResponse<String> seeOther(String location, String lang) {
        return HttpResponse.<String>seeOther(URI.create(location)).header("Cache-Control", "no-store");
    }

    /** The page language of a post: its hidden {@code lang} field, then the request's. */
    public static String lang(HttpRequest<?> request, Map<String, List<String>> form) {
        String chosen = first(form, "lang");
        return chosen.isEmpty() ? Languages.of(request) : Languages.choose(chosen, request.getHeaders().get("Accept-Language"));
    }

    public static String first(Map<String, List<String>> form, String name) {
        List<String> values = form.getOrDefault(name, List.of());
        return values.isEmpty() || values.get(0) == null ? "" : values.get(0);
    }

    /** A posted form as field → values (check boxes send a field several times). */
    public static Map<String, List<String>> fields(Map<String, Object> body) {
        Map<String, List<String>> fields = new LinkedHashMap<>();
        body.forEach((name, value) -> {
            List<String> values = new ArrayList<>();
            if (value instanceof List<?> list) {
                list.forEach(v -> values.add(String.valueOf(v)));
            } else if (value instanceof Object[] array) {
                Arrays.stream(array).forEach(v -> values.add(String.valueOf(v)));
            } else if (value != null) {
                values.add(value.toString());
            }
            fields.put(name, values);
        });
        return fields;
    }
}
