package fi.vointi.web;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.MutableHttpResponse;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What every page's form handling needs: the posted fields, and the redirect of post/redirect/get. */
public final class FormFields {
    private FormFields() {
    }

    /** The first value of each form field (a field sent twice counts once). */
    public static Map<String, String> firstValues(Map<String, Object> form) {
        Map<String, String> values = new LinkedHashMap<>();
        form.forEach((name, value) -> {
            Object first = value instanceof List<?> list ? (list.isEmpty() ? null : list.get(0)) : value;
            if (first != null) {
                values.put(name, first.toString());
            }
        });
        return values;
    }

    /** {@code 303 See Other} to a local page, never stored by a cache (pages may hold answers). */
    public static MutableHttpResponse<String> seeOther(String location) {
        return HttpResponse.<String>seeOther(URI.create(location)).header("Cache-Control", "no-store");
    }
}
