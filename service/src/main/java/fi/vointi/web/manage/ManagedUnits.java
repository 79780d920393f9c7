package fi.vointi.web.manage;

import fi.vointi.analytics.AnalyticsAccess;
import fi.vointi.analytics.AnalyticsStore;
import fi.vointi.analytics.AnalyticsStore.Unit;
import fi.vointi.audit.AuditContext;
import fi.vointi.security.Caller;
import fi.vointi.security.CallerResolver;
import fi.vointi.security.Refusal;
import fi.vointi.security.Role;
import fi.vointi.web.HtmlPages;
import fi.vointi.web.Messages;
import fi.vointi.web.Page;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import jakarta.inject.Singleton;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Who may open a manager's page for which unit: the very rules of the analytics API ({@link AnalyticsAccess}) in the
 * same order — not signed in, a role that may read no analytics, an unknown unit (404), a unit outside the caller's
 * subtree (403) — answered as pages. Also the units a caller may choose from (their own units and everything under
 * them; an administrator every unit).
 */
@Singleton
public class ManagedUnits {
    private final AnalyticsStore store;
    private final CallerResolver callers;
    private final HtmlPages pages;
    private final JdbcOperations jdbc;

    public ManagedUnits(AnalyticsStore store, CallerResolver callers, HtmlPages pages, JdbcOperations jdbc) {
        this.store = store;
        this.callers = callers;
        this.pages = pages;
        this.jdbc = jdbc;
    }

    /** Either a refusal to answer with, or the permitted unit and the units the caller may choose from. */
    public record Decision(@Nullable HttpResponse<String> refusal, @Nullable Unit unit, List<Choice> choices) {
    }

    /** A unit the caller may choose: depth in its tree (for indenting), id and name. */
    public record Choice(String id, String name, int depth) {
    }

    /** @param unitId the unit asked for, or null for the caller's first own unit */
    public Decision decide(HttpRequest<?> request, String lang, @Nullable String unitId, String operation) {
        Caller caller = callers.resolve(request);
        if (caller.isAnonymous()) {
            return refused(signIn(request));
        }
        Optional<Refusal> any = AnalyticsAccess.readAny(caller);
        if (any.isPresent()) {
            AuditContext.of(request).operation(operation);
            return refused(message(request, lang, HttpStatus.FORBIDDEN, "manage.refused.role"));
        }
        List<Choice> choices = choices(caller);
        String id = unitId == null || unitId.isBlank() ? (choices.isEmpty() ? null : choices.get(0).id()) : unitId;
        AuditContext.of(request).operation(operation).entity("Organization/" + id);
        Optional<Unit> unit = id == null || id.length() > 64 ? Optional.empty() : store.unit(id);
        if (unit.isEmpty()) {
            return refused(message(request, lang, HttpStatus.NOT_FOUND, "manage.refused.unknown"));
        }
        if (AnalyticsAccess.readUnit(caller, store.ancestors(id)).isPresent()) {
            return refused(message(request, lang, HttpStatus.FORBIDDEN, "manage.refused.unit"));
        }
        return new Decision(null, unit.get(), choices);
    }

    private static Decision refused(HttpResponse<String> response) {
        return new Decision(response, null, List.of());
    }

    List<Choice> choices(Caller caller) {
        List<String> roots = new ArrayList<>();
        if (caller.has(Role.ADMIN) || caller.systemMay(AnalyticsAccess.SCOPE_TYPE, 'r') || caller.systemMay(AnalyticsAccess.SCOPE_TYPE, 's')) {
            roots.addAll(jdbc.prepareStatement("SELECT id FROM organization_unit WHERE parent_id IS NULL ORDER BY id", s -> {
                List<String> ids = new ArrayList<>();
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getString(1));
                    }
                }
                return ids;
            }));
        } else {
            caller.units().stream().map(u -> u.startsWith("Organization/") ? u.substring(13) : u).sorted().forEach(roots::add);
        }
        Map<String, Choice> choices = new LinkedHashMap<>();
        for (String root : roots) {
            Map<String, Unit> tree = store.subtree(root);
            for (Unit unit : tree.values()) {
                int depth = 0;
                for (String p = unit.id().equals(root) ? null : unit.parentId(); p != null && tree.containsKey(p);
                     p = p.equals(root) ? null : tree.get(p).parentId()) {
                    depth++;
                }
                choices.putIfAbsent(unit.id(), new Choice(unit.id(), unit.name(), depth));
            }
        }
        return List.copyOf(choices.values());
    }

    private HttpResponse<String> message(HttpRequest<?> request, String lang, HttpStatus status, String key) {
        Page page = Page.of(request, lang, Messages.get(lang, key + ".title"));
        return pages.message(request, status, page, new HtmlPages.MessageView(page.title(), Messages.get(lang, key + ".text"),
                "/manage/feedback", Messages.get(lang, "manage.refused.back"), null, true));
    }

    static HttpResponse<String> signIn(HttpRequest<?> request) {
        String here = request.getUri().getRawPath() + (request.getUri().getRawQuery() == null ? "" : "?" + request.getUri().getRawQuery());
        return HttpResponse.<String>seeOther(URI.create("/signin?return=" + URLEncoder.encode(here, StandardCharsets.UTF_8)))
                .header("Cache-Control", "no-store");
    }
}
