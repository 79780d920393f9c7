package fi.vointi.web;

import com.deque.html.axecore.results.Results;
import com.deque.html.axecore.results.Rule;
import com.deque.html.axecore.selenium.AxeBuilder;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * A real, headless Chromium (Debian's chromium + chromium-driver; nothing is downloaded) for the browser tests, with
 * axe-core's WCAG 2.1 A/AA rules run on a page, and screenshots into target/screenshots (not committed). When no
 * Chromium is installed the browser tests are skipped; .ci/run installs it and fails when none ran.
 */
public final class Browser implements AutoCloseable {
    public static final Dimension PHONE = new Dimension(390, 844);
    public static final Dimension DESKTOP = new Dimension(1280, 900);
    public static final Dimension NARROW = new Dimension(320, 640);
    private static final Path CHROMIUM = Path.of(System.getProperty("vointi.chromium", "/usr/bin/chromium"));
    private static final Path DRIVER = Path.of(System.getProperty("vointi.chromedriver", "/usr/bin/chromedriver"));
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");

    private final ChromeDriver driver;

    private Browser(ChromeDriver driver) {
        this.driver = driver;
    }

    /** Starts Chromium, or skips the calling test class when none is installed. */
    public static Browser start(String acceptLanguage) {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER),
                "Chromium and chromedriver are not installed (apt-get install chromium chromium-driver)");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        // the flags this machine needs: no sandbox as root, no network beyond localhost
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-extensions", "--lang=" + acceptLanguage);
        options.setExperimentalOption("prefs", java.util.Map.of("intl.accept_languages", acceptLanguage));
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort().build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
        return new Browser(driver);
    }

    public ChromeDriver driver() {
        return driver;
    }

    public Browser size(Dimension size) {
        driver.manage().window().setSize(size);
        return this;
    }

    public Browser open(String url) {
        driver.get(url);
        return this;
    }

    public WebElement find(String css) {
        return driver.findElement(By.cssSelector(css));
    }

    public List<WebElement> all(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    public String text(String css) {
        return find(css).getText();
    }

    /** Clicks the label of a radio or check box, as a person taps the text. */
    public Browser choose(String inputId) {
        WebElement label = find("label[for='" + inputId + "']");
        ((JavascriptExecutor) driver).executeScript("arguments[0].scrollIntoView({block:'center'})", label);
        label.click();
        return this;
    }

    /** Clicks and waits until the browser shows another document (each document has a window of its own). */
    public void clickAndWaitForNextPage(WebElement element) {
        script("window.vointiPreviousPage = true");
        element.click();
        new org.openqa.selenium.support.ui.WebDriverWait(driver, Duration.ofSeconds(15)).until(d -> {
            try {
                return !Boolean.TRUE.equals(((JavascriptExecutor) d).executeScript("return window.vointiPreviousPage === true"));
            } catch (org.openqa.selenium.WebDriverException navigating) {
                return false;
            }
        });
    }

    public Object script(String js, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(js, args);
    }

    /** axe-core with the WCAG 2.0/2.1 A and AA rules (plus best practices): any violation fails, with its nodes. */
    public Browser assertAccessible(String state) {
        Results results = new AxeBuilder().withTags(List.of("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"))
                .analyze(driver);
        List<Rule> violations = results.getViolations();
        if (!violations.isEmpty()) {
            screenshot("axe-" + state);
            fail("axe-core found " + violations.size() + " violation(s) on " + state + " (" + driver.getCurrentUrl() + "):\n"
                    + violations.stream().map(v -> v.getId() + " (" + v.getImpact() + "): " + v.getHelp() + "\n    "
                            + v.getNodes().stream().map(n -> n.getTarget() + " " + n.getFailureSummary())
                            .collect(Collectors.joining("\n    "))).collect(Collectors.joining("\n")));
        }
        return this;
    }

    /** No horizontal scrolling: the page is no wider than the window. */
    public boolean scrollsHorizontally() {
        return (Boolean) script("return document.documentElement.scrollWidth > document.documentElement.clientWidth");
    }

    /** The whole page (the window is stretched to the page's height for the shot, then restored). */
    public void screenshot(String name) {
        Dimension window = driver.manage().window().getSize();
        try {
            Files.createDirectories(SCREENSHOTS);
            long height = (Long) script("return Math.ceil(document.documentElement.scrollHeight)");
            int chrome = window.getHeight() - ((Long) script("return window.innerHeight")).intValue();
            driver.manage().window().setSize(new Dimension(window.getWidth(), (int) Math.min(height + chrome, 6000)));
            File file = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
            Files.copy(file.toPath(), SCREENSHOTS.resolve(name.replaceAll("[^A-Za-z0-9_.-]", "_") + ".png"),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } finally {
            driver.manage().window().setSize(window);
        }
    }

    @Override
    public void close() {
        driver.quit();
    }
}
