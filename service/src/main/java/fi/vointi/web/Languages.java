package fi.vointi.web;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.cookie.Cookie;
import io.micronaut.http.cookie.SameSite;
import org.hl7.fhir.r4.model.Element;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.PrimitiveType;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The page language: {@code ?lang=} (which also sets the cookie), then the {@value #COOKIE} cookie, then the
 * browser's Accept-Language, then Finnish. Texts of FHIR resources come from their standard {@code translation}
 * extensions (base language Finnish).
 */
public final class Languages {
    public static final List<String> SUPPORTED = List.of("fi", "sv", "en");
    public static final String COOKIE = "vointi_lang";
    public static final String TRANSLATION = "http://hl7.org/fhir/StructureDefinition/translation";

    private Languages() {
    }

    /** The language a request asks for. */
    public static String of(HttpRequest<?> request) {
        String query = request.getParameters().get("lang");
        String cookie = request.getCookies().findCookie(COOKIE).map(Cookie::getValue).orElse(null);
        return choose(query != null ? query : cookie, request.getHeaders().get("Accept-Language"));
    }

    /** {@code lang} when supported, then the best match of Accept-Language, then Finnish. */
    public static String choose(@Nullable String lang, @Nullable String acceptLanguage) {
        if (lang != null && SUPPORTED.contains(lang.toLowerCase(Locale.ROOT))) {
            return lang.toLowerCase(Locale.ROOT);
        }
        if (acceptLanguage != null && !acceptLanguage.isBlank()) {
            try {
                String match = Locale.lookupTag(Locale.LanguageRange.parse(acceptLanguage), SUPPORTED);
                if (match != null) {
                    return match;
                }
            } catch (IllegalArgumentException e) {
                // an unreadable header is the same as none
            }
        }
        return "fi";
    }

    static String supported(@Nullable String lang) {
        return lang != null && SUPPORTED.contains(lang) ? lang : "fi";
    }

    /** The cookie that remembers an explicit {@code ?lang=} choice, or null when the request made none. */
    @Nullable
    public static Cookie rememberedChoice(HttpRequest<?> request) {
        String query = request.getParameters().get("lang");
        if (query == null || !SUPPORTED.contains(query.toLowerCase(Locale.ROOT))) {
            return null;
        }
        return Cookie.of(COOKIE, query.toLowerCase(Locale.ROOT)).path("/").httpOnly(true)
                .sameSite(SameSite.Lax).maxAge(Duration.ofDays(365)).secure(request.isSecure());
    }

    /** The element's text in {@code lang}: its translation extension, or the base (Finnish) text. */
    public static String text(@Nullable PrimitiveType<?> element, String lang) {
        if (element == null || !element.hasValue()) {
            return "";
        }
        if (!"fi".equals(lang)) {
            for (Extension translation : ((Element) element).getExtensionsByUrl(TRANSLATION)) {
                Extension language = translation.getExtensionByUrl("lang");
                Extension content = translation.getExtensionByUrl("content");
                if (language != null && content != null && lang.equals(language.getValue().primitiveValue())) {
                    return content.getValue().primitiveValue();
                }
            }
        }
        return element.getValueAsString();
    }

    /** Whether {@link #text} found a translation, so that a fragment in another language gets its own lang. */
    public static String languageOf(@Nullable PrimitiveType<?> element, String lang) {
        if (element == null || "fi".equals(lang)) {
            return "fi";
        }
        for (Extension translation : ((Element) element).getExtensionsByUrl(TRANSLATION)) {
            Extension language = translation.getExtensionByUrl("lang");
            if (language != null && lang.equals(language.getValue().primitiveValue())) {
                return lang;
            }
        }
        return "fi";
    }
}
