package uk.safeguarding.gateway.console;

import io.quarkus.qute.RawString;
import io.quarkus.qute.TemplateExtension;
import java.util.List;

/**
 * Server-rendered SVG bar charts: no charting library and no JavaScript. Each chart has a title and a
 * description for screen readers, and the table under it carries the same figures.
 */
public final class BarChart {

    private static final int LABEL_WIDTH = 330;
    private static final int BAR_WIDTH = 300;
    private static final int ROW = 30;

    private BarChart() {
    }

    /** {@code chart:svg(lines, 'id', 'title')}: one bar per line, the share that met the deadline. */
    @TemplateExtension(namespace = "chart")
    static RawString svg(List<Compliance.Line> lines, String id, String title) {
        int height = ROW * Math.max(lines.size(), 1) + 10;
        StringBuilder svg = new StringBuilder();
        svg.append("<svg class=\"console-chart\" id=\"").append(esc(id)).append("\" role=\"img\" aria-labelledby=\"")
                .append(esc(id)).append("-title\" width=\"").append(LABEL_WIDTH + BAR_WIDTH + 140)
                .append("\" height=\"").append(height).append("\" viewBox=\"0 0 ").append(LABEL_WIDTH + BAR_WIDTH + 140)
                .append(' ').append(height).append("\" xmlns=\"http://www.w3.org/2000/svg\">")
                .append("<title id=\"").append(esc(id)).append("-title\">").append(esc(title))
                .append(" (the table below has the same figures)</title>");
        int y = 5;
        for (Compliance.Line line : lines) {
            svg.append("<text x=\"0\" y=\"").append(y + 18).append("\">").append(esc(truncate(line.label()))).append("</text>");
            Integer percent = line.percent();
            if (percent == null) {
                svg.append("<rect class=\"bar-other\" x=\"").append(LABEL_WIDTH).append("\" y=\"").append(y + 4)
                        .append("\" width=\"4\" height=\"20\"/>")
                        .append("<text x=\"").append(LABEL_WIDTH + 12).append("\" y=\"").append(y + 18)
                        .append("\">fewer than 5: not shown</text>");
            } else {
                int met = BAR_WIDTH * percent / 100;
                svg.append("<rect class=\"bar-ok\" x=\"").append(LABEL_WIDTH).append("\" y=\"").append(y + 4)
                        .append("\" width=\"").append(met).append("\" height=\"20\"/>")
                        .append("<rect class=\"bar-late\" x=\"").append(LABEL_WIDTH + met).append("\" y=\"").append(y + 4)
                        .append("\" width=\"").append(BAR_WIDTH - met).append("\" height=\"20\"/>")
                        .append("<text x=\"").append(LABEL_WIDTH + BAR_WIDTH + 8).append("\" y=\"").append(y + 18)
                        .append("\">").append(percent).append("% of ").append(line.totalShown()).append("</text>");
            }
            y += ROW;
        }
        if (lines.isEmpty()) {
            svg.append("<text x=\"0\" y=\"20\">Nothing recorded yet</text>");
        }
        return new RawString(svg.append("</svg>").toString());
    }

    private static String truncate(String label) {
        return label.length() > 48 ? label.substring(0, 47) + "…" : label;
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
