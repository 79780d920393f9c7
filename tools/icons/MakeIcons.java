import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.geom.RoundRectangle2D;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;

/**
 * One-off tool that draws Vointi's app icons (our own simple design: a white "V" that ends in a rising dot on the
 * theme blue of vointi.css). Run from the repository root:
 * {@code java tools/icons/MakeIcons.java service/src/main/resources/web/assets/icons}
 * The PNGs it writes are committed; the build does not run this.
 */
public class MakeIcons {
    static final Color BLUE = new Color(0x00, 0x46, 0x8b);
    static final Color LIGHT = new Color(0xbf, 0xe0, 0xff);

    public static void main(String[] args) throws IOException {
        File dir = new File(args.length > 0 ? args[0] : ".");
        dir.mkdirs();
        write(draw(192, false), new File(dir, "vointi-192.png"));
        write(draw(512, false), new File(dir, "vointi-512.png"));
        write(draw(512, true), new File(dir, "vointi-maskable-512.png"));
    }

    /** @param maskable full-bleed background, the mark inside the central 80 % safe zone */
    static BufferedImage draw(int size, boolean maskable) {
        BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
        g.setColor(BLUE);
        if (maskable) {
            g.fillRect(0, 0, size, size);
        } else {
            double r = size * 0.22;
            g.fill(new RoundRectangle2D.Double(0, 0, size, size, r, r));
        }
        double scale = maskable ? 0.62 : 0.78; // the mark's share of the icon
        double box = size * scale;
        double x0 = (size - box) / 2;
        double y0 = (size - box) / 2;
        // the V: from top left down to the bottom and up to the right, rounded joins
        Path2D v = new Path2D.Double();
        v.moveTo(x0 + box * 0.08, y0 + box * 0.22);
        v.lineTo(x0 + box * 0.42, y0 + box * 0.86);
        v.lineTo(x0 + box * 0.72, y0 + box * 0.30);
        g.setColor(Color.WHITE);
        g.setStroke(new BasicStroke((float) (box * 0.15), BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        g.draw(v);
        // the rising dot at the end of the V
        double d = box * 0.2;
        g.setColor(LIGHT);
        g.fill(new Ellipse2D.Double(x0 + box * 0.80 - d / 2, y0 + box * 0.14 - d / 2, d, d));
        g.dispose();
        return image;
    }

    static void write(BufferedImage image, File file) throws IOException {
        if (!ImageIO.write(image, "png", file)) {
            throw new IOException("no PNG writer");
        }
        System.out.println("wrote " + file);
    }
}
