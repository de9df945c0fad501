package uk.safeguarding.gateway.e2e.console;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/** A real headless Chromium with a fresh profile, signed in through the real Keycloak login page. */
final class Browser implements AutoCloseable {

    static final Path SCREENSHOTS = Path.of("target", "console-screenshots");

    final ChromeDriver driver;
    private final Path profile;

    Browser() throws IOException {
        profile = Files.createTempDirectory("console-chromium-");
        ChromeOptions options = new ChromeOptions();
        String binary = System.getenv().getOrDefault("CHROMIUM_BINARY", "/usr/bin/chromium");
        if (Files.isExecutable(Path.of(binary))) {
            options.setBinary(binary);
        }
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1280,1000", "--user-data-dir=" + profile);
        // The console log carries the browser's Content-Security-Policy reports (cspViolations).
        options.setCapability("goog:loggingPrefs", java.util.Map.of("browser", "ALL"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(Path.of(System.getenv().getOrDefault("CHROMEDRIVER", "/usr/bin/chromedriver")).toFile())
                .build();
        driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
    }

    void open(String path) {
        driver.get(ConsoleGateway.BASE_URL + path);
    }

    /** Opens the console and signs in on Keycloak's own page. */
    void signIn(String username) {
        open("/console");
        wait(ExpectedConditions.presenceOfElementLocated(By.id("username")));
        shot("keycloak-login");
        driver.findElement(By.id("username")).sendKeys(username);
        driver.findElement(By.id("password")).sendKeys("dev-password-" + username);
        driver.findElement(By.id("kc-login")).click();
        wait(ExpectedConditions.presenceOfElementLocated(By.id("signed-in-as")));
    }

    /**
     * What the browser refused under the gateway's Content-Security-Policy since the last call, from its
     * console log; a blocked GOV.UK script or style would show here (and in the page not working).
     */
    java.util.List<String> cspViolations() {
        return driver.manage().logs().get(org.openqa.selenium.logging.LogType.BROWSER).getAll().stream()
                .map(org.openqa.selenium.logging.LogEntry::getMessage)
                .filter(m -> m.contains("Content Security Policy") || m.contains("Content-Security-Policy")).toList();
    }

    /**
     * What of GOV.UK Frontend did not run, empty if all did: supported.js marks the body, and the style
     * sheet gives text its GDS Transport font (initAll is shown by the error summary taking focus).
     */
    String govukMissing() {
        Object missing = driver.executeScript("""
                var out = [];
                if (!document.body.classList.contains('govuk-frontend-supported')) out.push('supported.js');
                var text = document.querySelector('.govuk-body-s');
                if (!text || getComputedStyle(text).fontFamily.indexOf('GDS Transport') < 0) out.push('stylesheet');
                return out.join(',');""");
        return String.valueOf(missing);
    }

    WebElement find(String id) {
        return wait(ExpectedConditions.presenceOfElementLocated(By.id(id)));
    }

    <T> T wait(org.openqa.selenium.support.ui.ExpectedCondition<T> condition) {
        return new WebDriverWait(driver, Duration.ofSeconds(30)).until(condition);
    }

    String text(String id) {
        return find(id).getText();
    }

    /** A full-page screenshot under target/console-screenshots (docs/console holds the current set). */
    void shot(String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            Path png = driver.getScreenshotAs(OutputType.FILE).toPath();
            Files.copy(png, SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        driver.quit();
    }

}
