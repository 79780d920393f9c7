package fi.vointi.web.report;

import com.openhtmltopdf.outputdevice.helper.BaseRendererBuilder.FontStyle;
import com.openhtmltopdf.pdfboxout.PdfRendererBuilder;
import io.micronaut.views.jte.HtmlJteViewsRenderer;
import io.micronaut.http.HttpRequest;
import jakarta.inject.Singleton;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The report as a PDF: the same body template as the page (report/body.jte) in a standalone XHTML document,
 * rendered by OpenHTMLtoPDF as a tagged PDF (PDF/UA: structure tree, language, title) with DejaVu Sans embedded
 * (Bitstream Vera licence, resources report/fonts/LICENSE-DejaVu.txt), so ä, ö and å print on any reader.
 */
@Singleton
public class ReportPdf {
    static final String FONT_FAMILY = "DejaVu Sans";
    private final HtmlJteViewsRenderer<Map<String, Object>> renderer;
    private final String css;

    public ReportPdf(HtmlJteViewsRenderer<Map<String, Object>> renderer) {
        this.renderer = renderer;
        // the page's style sheet, then the PDF's page and its overrides
        this.css = resource("web/assets/report.css") + "\n" + resource("report/pdf.css");
    }

    public byte[] render(ReportView view, HttpRequest<?> request) {
        StringWriter xhtml = new StringWriter(32768);
        try {
            renderer.render("report/pdf", Map.of("view", view, "css", css), request).writeTo(xhtml);
            ByteArrayOutputStream out = new ByteArrayOutputStream(65536);
            PdfRendererBuilder builder = new PdfRendererBuilder();
            builder.useFastMode();
            builder.usePdfUaAccessbility(true);
            builder.useFont(() -> stream("report/fonts/DejaVuSans.ttf"), FONT_FAMILY, 400, FontStyle.NORMAL, true);
            builder.useFont(() -> stream("report/fonts/DejaVuSans-Bold.ttf"), FONT_FAMILY, 700, FontStyle.NORMAL, true);
            // an XHTML document (OpenHTMLtoPDF parses XML); no leading blank lines from the template
            builder.withHtmlContent(xhtml.toString().strip(), null);
            builder.toStream(out);
            builder.run();
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static InputStream stream(String name) {
        InputStream in = ReportPdf.class.getClassLoader().getResourceAsStream(name);
        if (in == null) {
            throw new IllegalStateException(name + " is missing from the class path");
        }
        return in;
    }

    private static String resource(String name) {
        try (InputStream in = stream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
