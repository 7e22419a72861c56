package io.tooltune.report;

import org.junit.jupiter.api.Assumptions;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Screenshots of pages in headless Chromium (Debian's chromium package); tests skip, saying so, without it. */
public final class Chromium {
    private Chromium() {}

    public static BufferedImage screenshot(Path html, Path work, int width, int height) throws Exception {
        String chromium = List.of("/usr/bin/chromium", "/usr/bin/chromium-browser").stream()
                .filter(p -> Files.isExecutable(Path.of(p))).findFirst().orElse(null);
        Assumptions.assumeTrue(chromium != null, "skipped: chromium is not installed (apt-get install chromium)");
        Files.createDirectories(work);
        Path shot = work.resolve("shot.png"), log = work.resolve("chromium.log");
        Process p = new ProcessBuilder(chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars",
                "--user-data-dir=" + work.resolve("profile"), "--screenshot=" + shot, "--window-size=" + width + "," + height,
                html.toUri().toString()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("chromium did not finish within 60 s");
        }
        assertTrue(Files.exists(shot), "screenshot written: " + Files.readString(log));
        return ImageIO.read(shot.toFile());
    }

    /** Pixels in the rectangle within ±6 per channel of the colour. */
    public static int count(BufferedImage img, int x0, int y0, int x1, int y1, Color c) {
        int n = 0;
        for (int y = y0; y < Math.min(y1, img.getHeight()); y++) {
            for (int x = x0; x < Math.min(x1, img.getWidth()); x++) {
                int rgb = img.getRGB(x, y);
                if (Math.abs(((rgb >> 16) & 255) - c.getRed()) <= 6 && Math.abs(((rgb >> 8) & 255) - c.getGreen()) <= 6
                        && Math.abs((rgb & 255) - c.getBlue()) <= 6) n++;
            }
        }
        return n;
    }
}
