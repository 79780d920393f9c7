package fi.vointi.feedback;

import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.Questionnaire.QuestionnaireItemAnswerOptionComponent;
import org.hl7.fhir.r4.model.Questionnaire.QuestionnaireItemComponent;
import org.hl7.fhir.r4.model.StringType;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.apache.commons.text.StringEscapeUtils.escapeXml10;

/**
 * The public feedback form as small, accessible, server-rendered HTML: native form controls with fieldset/legend
 * and labels, no script, readable on a phone. Every text that comes from outside this class passes
 * {@code escapeHtml4} (commons-text).
 */
final class FeedbackPage {
    /** Form field of an item's answer: {@code item:<linkId>}. */
    static final String FIELD_PREFIX = "item:";
    private static final String STYLE = "body{font-family:system-ui,sans-serif;max-width:40rem;margin:0 auto;padding:1rem;"
            + "line-height:1.5;color:#1a1a1a;background:#fff}h1{font-size:1.5rem}fieldset{border:1px solid #767676;"
            + "border-radius:.5rem;margin:0 0 1rem;padding:.75rem}legend{font-weight:600;padding:0 .25rem}"
            + ".scale{display:flex;flex-wrap:wrap;gap:.25rem}.scale label{display:inline-flex;flex-direction:column;"
            + "align-items:center;min-width:2.6rem;padding:.25rem;border:1px solid #767676;border-radius:.25rem}"
            + ".option{display:block;padding:.35rem 0}input[type=radio]{width:1.4rem;height:1.4rem}"
            + "textarea{width:100%;min-height:6rem;font:inherit}button{font:inherit;font-size:1.1rem;padding:.6rem 1.2rem;"
            + "border-radius:.5rem;border:2px solid #00468b;background:#00468b;color:#fff}"
            + ".hint{color:#4a4a4a;font-size:.95rem}.error{border-color:#b00020}:focus{outline:3px solid #f5a623;outline-offset:2px}";
    /** Only this inline style and same-origin form posts are allowed (default-src 'none' blocks everything else). */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; style-src '" + sha256(STYLE)
            + "'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    private FeedbackPage() {
    }

    /** The audience choice: a GET form, so that the chosen questionnaire opens at its own address. */
    static String audienceChoice(String unitName, String action, String lang, Map<String, String> hidden) {
        StringBuilder html = start(lang, FeedbackTexts.get("title", lang), unitName);
        html.append("<form method=\"get\" action=\"").append(escape(action)).append("\">");
        hiddenFields(html, hidden);
        html.append("<fieldset><legend>").append(escape(FeedbackTexts.get("who", lang))).append("</legend>");
        for (String audience : FeedbackSurveys.PUBLIC_AUDIENCES) {
            String id = "audience-" + audience;
            html.append("<label class=\"option\" for=\"").append(id).append("\"><input type=\"radio\" name=\"audience\" id=\"")
                    .append(id).append("\" value=\"").append(audience).append("\" required> ")
                    .append(escape(FeedbackTexts.get(audience, lang))).append("</label>");
        }
        html.append("</fieldset><button type=\"submit\">").append(escape(FeedbackTexts.get("continue", lang)))
                .append("</button></form>");
        return end(html);
    }

    /** The questionnaire as a form that posts to {@code action}. */
    static String form(String unitName, Questionnaire questionnaire, String action, String lang, Map<String, String> hidden) {
        StringBuilder html = start(lang, FeedbackLanguage.text(questionnaire.getTitleElement(), lang), unitName);
        String description = FeedbackLanguage.text(questionnaire.getDescriptionElement(), lang);
        if (!description.isEmpty()) {
            html.append("<p class=\"hint\">").append(escape(description)).append("</p>");
        }
        html.append("<form method=\"post\" action=\"").append(escape(action)).append("\">");
        hiddenFields(html, hidden);
        items(html, questionnaire.getItem(), lang);
        html.append("<button type=\"submit\">").append(escape(FeedbackTexts.get("send", lang))).append("</button></form>");
        return end(html);
    }

    static String message(String lang, String heading, String text, String unitName, String backLink) {
        StringBuilder html = start(lang, heading, unitName);
        html.append("<p role=\"status\">").append(escape(text)).append("</p>");
        if (backLink != null) {
            html.append("<p><a href=\"").append(escape(backLink)).append("\">")
                    .append(escape(FeedbackTexts.get("back", lang))).append("</a></p>");
        }
        return end(html);
    }

    static String problems(String lang, List<String> messages, String unitName, String backLink) {
        StringBuilder html = start(lang, FeedbackTexts.get("problem", lang), unitName);
        html.append("<ul role=\"alert\">");
        messages.forEach(m -> html.append("<li>").append(escape(m)).append("</li>"));
        html.append("</ul>");
        if (backLink != null) {
            html.append("<p><a href=\"").append(escape(backLink)).append("\">")
                    .append(escape(FeedbackTexts.get("back", lang))).append("</a></p>");
        }
        return end(html);
    }

    private static void items(StringBuilder html, List<QuestionnaireItemComponent> items, String lang) {
        for (QuestionnaireItemComponent item : items) {
            String text = FeedbackLanguage.text(item.getTextElement(), lang);
            String name = FIELD_PREFIX + item.getLinkId();
            String id = "q-" + item.getLinkId().replaceAll("[^A-Za-z0-9_-]", "_");
            String required = item.getRequired() ? " required" : "";
            switch (item.getType()) {
                case GROUP -> {
                    html.append("<fieldset><legend>").append(escape(text)).append("</legend>");
                    items(html, item.getItem(), lang);
                    html.append("</fieldset>");
                }
                case CHOICE -> {
                    boolean scale = item.getAnswerOption().stream().allMatch(o -> o.getValue() instanceof IntegerType);
                    html.append("<fieldset").append(scale ? " class=\"scale-set\"" : "").append("><legend>")
                            .append(escape(text)).append(requiredMark(item, lang)).append("</legend>");
                    if (scale) {
                        html.append("<div class=\"scale\">");
                    }
                    int n = 0;
                    for (QuestionnaireItemAnswerOptionComponent option : item.getAnswerOption()) {
                        String value = optionValue(option);
                        String optionId = id + "-" + (n++);
                        html.append("<label").append(scale ? "" : " class=\"option\"").append(" for=\"").append(optionId)
                                .append("\"><input type=\"radio\" name=\"").append(escape(name)).append("\" id=\"")
                                .append(optionId).append("\" value=\"").append(escape(value)).append("\"")
                                .append(required).append("> ").append(escape(optionLabel(option, lang))).append("</label>");
                    }
                    if (scale) {
                        html.append("</div>");
                    }
                    html.append("</fieldset>");
                }
                case INTEGER, DECIMAL, STRING, TEXT -> {
                    html.append("<p><label for=\"").append(id).append("\">").append(escape(text))
                            .append(requiredMark(item, lang)).append("</label><br>");
                    String max = item.hasMaxLength() ? " maxlength=\"" + item.getMaxLength() + "\"" : "";
                    if (item.getType() == Questionnaire.QuestionnaireItemType.TEXT) {
                        html.append("<textarea id=\"").append(id).append("\" name=\"").append(escape(name)).append("\"")
                                .append(max).append(required).append("></textarea>");
                    } else {
                        String type = item.getType() == Questionnaire.QuestionnaireItemType.STRING ? "text" : "number";
                        html.append("<input type=\"").append(type).append("\" id=\"").append(id).append("\" name=\"")
                                .append(escape(name)).append("\"").append(max).append(required).append(">");
                    }
                    html.append("</p>");
                }
                default -> {
                    // display items and types a feedback form does not use are shown as text only
                    if (!text.isEmpty()) {
                        html.append("<p>").append(escape(text)).append("</p>");
                    }
                }
            }
        }
    }

    /** The form value of an option: an integer, a code, or a string. */
    static String optionValue(QuestionnaireItemAnswerOptionComponent option) {
        if (option.getValue() instanceof Coding coding) {
            return coding.getCode();
        }
        return option.getValue().primitiveValue();
    }

    private static String optionLabel(QuestionnaireItemAnswerOptionComponent option, String lang) {
        if (option.getValue() instanceof Coding coding) {
            return FeedbackLanguage.text(coding.getDisplayElement(), lang);
        }
        if (option.getValue() instanceof StringType s) {
            return FeedbackLanguage.text(s, lang);
        }
        return option.getValue().primitiveValue();
    }

    private static String requiredMark(QuestionnaireItemComponent item, String lang) {
        return item.getRequired() ? " (" + FeedbackTexts.get("required", lang) + ")" : "";
    }

    private static void hiddenFields(StringBuilder html, Map<String, String> hidden) {
        new LinkedHashMap<>(hidden).forEach((name, value) -> {
            if (value != null) {
                html.append("<input type=\"hidden\" name=\"").append(escape(name)).append("\" value=\"")
                        .append(escape(value)).append("\">");
            }
        });
    }

    private static StringBuilder start(String lang, String heading, String unitName) {
        StringBuilder html = new StringBuilder(8192);
        html.append("<!DOCTYPE html><html lang=\"").append(lang).append("\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .append("<meta name=\"referrer\" content=\"no-referrer\"><title>").append(escape(heading))
                .append(" – ").append(escape(unitName)).append("</title><style>").append(STYLE).append("</style></head><body><main>")
                .append("<h1>").append(escape(heading)).append("</h1><p><strong>").append(escape(unitName))
                .append("</strong></p><p class=\"hint\">").append(escape(FeedbackTexts.get("anonymous", lang))).append("</p>");
        return html;
    }

    private static String end(StringBuilder html) {
        return html.append("</main></body></html>").toString();
    }

    /**
     * Escapes text for HTML element content and quoted attribute values (&lt; &gt; &amp; &quot; &apos;) with commons-text,
     * keeping letters such as ä and å as they are (the page is UTF-8).
     */
    static String escape(String text) {
        return text == null ? "" : escapeXml10(text);
    }

    private static String sha256(String text) {
        try {
            return "sha256-" + Base64.getEncoder().encodeToString(
                    MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
