/**
 * Report building blocks shared by {@code tooltune eval} and the demo:
 * <pre>
 * Table t = new Table("Pass rate (%)", List.of("Model", "Pass rate"), List.of(List.of("opt-125m", "12.0")));
 * Files.writeString(dir.resolve("t.md"), t.markdown());   // also t.csv(), t.html()
 * RadarChart chart = new RadarChart("Pass rate per group (%)", axes).series("untrained", p0).series("fine-tuned", p1);
 * byte[] png = chart.png(720, 640);                        // also chart.svg(720, 640)
 * new HtmlReport("tooltune demo").heading("Results").table(t).png("Radar chart", png).paragraph("...").write(dir.resolve("report.html"));
 * </pre>
 * Tables and charts for evaluation results come ready-made from {@code io.tooltune.eval.EvalReport}
 * ({@code overview}, {@code byGroup}, {@code radar}, {@code write}).
 */
package io.tooltune.report;
