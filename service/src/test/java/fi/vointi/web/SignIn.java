package fi.vointi.web;

import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.time.Duration;

/**
 * Browser tests sign in the way a person does (docs/web.md, "Signing in"): open {@code /signin?return=…}, click the
 * demo person's button on the dev provider's page, and wait until the browser is back on our site at the return
 * path with the session cookie set. The real OIDC flow runs: PKCE, state, nonce, the code exchange, the session.
 */
public final class SignIn {
    private SignIn() {
    }

    /** Signs in as {@code demoUser} (e.g. {@code demo-patient-aino}) and lands on {@code /app}. */
    public static void as(Browser browser, String baseUrl, String demoUser) {
        as(browser, baseUrl, demoUser, "/app");
    }

    /** Signs in as {@code demoUser} and lands on {@code returnPath} (a local path such as {@code /} or {@code /app/results}). */
    public static void as(Browser browser, String baseUrl, String demoUser, String returnPath) {
        String base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        browser.open(base + "/signin?return=" + java.net.URLEncoder.encode(returnPath, java.nio.charset.StandardCharsets.UTF_8));
        WebDriverWait wait = new WebDriverWait(browser.driver(), Duration.ofSeconds(20));
        WebElement button = wait.until(d -> {
            var found = d.findElements(By.cssSelector("button[name='user'][value='" + demoUser + "']"));
            return found.isEmpty() ? null : found.get(0);
        });
        browser.script("arguments[0].scrollIntoView({block:'center'})", button);
        button.click();
        String expected = base + returnPath;
        wait.until(d -> {
            String url = d.getCurrentUrl();
            return url != null && url.startsWith(base) && !url.contains("/dev/oidc/") && !url.contains("/oauth/callback")
                    && (url.equals(expected) || url.startsWith(expected + "?") || url.startsWith(expected + "#")
                        || d.manage().getCookieNamed("vointi_session") != null);
        });
        if (browser.driver().manage().getCookieNamed("vointi_session") == null) {
            throw new AssertionError("signing in as " + demoUser + " did not set the session cookie; at " + browser.driver().getCurrentUrl());
        }
    }
}
