import { describe, expect, it } from "vitest";
import { Registry } from "./registry.js";

describe("metrics registry", () => {
  it("renders the Prometheus text format with escaped labels", () => {
    const registry = new Registry();
    const c = registry.counter("x_total", "Things.");
    c.inc({ route: '/a"b' });
    c.inc({ route: '/a"b' }, 2);
    registry.gauge("g", "A gauge.", () => 7);
    expect(registry.render()).toBe(
      [
        "# HELP x_total Things.",
        "# TYPE x_total counter",
        'x_total{route="/a\\"b"} 3',
        "# HELP g A gauge.",
        "# TYPE g gauge",
        "g 7",
        "",
      ].join("\n"),
    );
  });

  it("keeps registries apart (no global default registry)", () => {
    new Registry().counter("a_total", "A.").inc();
    expect(new Registry().render()).toBe("\n");
  });
});
