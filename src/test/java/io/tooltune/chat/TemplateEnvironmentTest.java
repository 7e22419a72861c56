package io.tooltune.chat;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The Jinja2 behaviour real chat templates rely on and Jinjava lacks or does differently, each case checked against
 * what Python Jinja2 3.1.6 renders in transformers' environment (../shared/fixtures/llama/generator/refchat.py) for
 * the same template and variables.
 */
class TemplateEnvironmentTest {
    private static final String[][] CASES = {
                {"str_methods",
                        "{{ s.startswith('  <a') }}|{{ s.endswith(('x', '\\n')) }}|[{{ s.strip() }}]|[{{ s.lstrip(' <') }}]|[{{ s.rstrip('\\n') }}]|{{ s.split('>')|length }}|{{ s.split()|join('+') }}|{{ s.split(' ', 3)[3] }}|{{ s.upper() }}|{{ s.replace('l', 'L', 2) }}|{{ s.lower().strip().title() }}",
                        "True|True|[<a>Hello, World</a>]|[a>Hello, World</a>\n]|[  <a>Hello, World</a>]|3|<a>Hello,+World</a>|World</a>\n|  <A>HELLO, WORLD</A>\n|  <a>HeLLo, World</a>\n|<A>Hello, World</A>"},
                {"think_split",
                        "[{{ think.split('</think>')[-1].lstrip('\\n') }}][{{ think.split('</think>')[0].rstrip('\\n').split('<think>')[-1].lstrip('\\n') }}][{{ 'a</think>'.split('</think>')[-1] }}]",
                        "[answer][plan][]"},
                {"dict_items",
                        "{% for k, v in m.items() %}{{ k }}={{ v }}{% if not loop.last %},{% endif %}{% endfor %};{% for k, v in m|items %}{{ loop.index }}{{ k }}{% endfor %}",
                        "role=user,content=x,n=3;1role2content3n"},
                {"tests",
                        "{{ s is string }}{{ m is mapping }}{{ xs is mapping }}{{ xs is iterable }}{{ s is iterable }}{{ undefined_thing is iterable }}{{ nothing is none }}{{ flag is false }}{{ m.n is number }}{{ undefined_thing is defined }}",
                        "TrueTrueFalseTrueTrueTrueTrueTrueTrueFalse"},
                {"not_precedence",
                        "{{ not xs|length == 3 }}{{ not undefined_thing is defined }}{{ not flag and not nothing }}{{ 'role' in m }}{{ 'zz' not in m }}{{ not 'role' in m }}",
                        "FalseTrueTrueTrueTrueFalse"},
                {"slicing_and_loops",
                        "{% for x in xs[::-1] %}{{ x }}{% endfor %}|{{ xs[1:]|join(',') }}|{{ xs[:-1]|join(',') }}|{{ xs[-1] }}|{% for x in xs %}{% if x == 1 %}{% continue %}{% endif %}{% if loop.index > 2 %}{% break %}{% endif %}{{ x }}{{ loop.first }}{% endfor %}",
                        "213|1,2|3,1|2|3True"},
                {"namespace",
                        "{%- set ns = namespace(found=false, last=xs|length - 1) %}{% for x in xs %}{% if x == 1 %}{% set ns.found = true %}{% set ns.last = loop.index0 %}{% endif %}{% endfor %}{{ ns.found }} {{ ns.last }}",
                        "True 1"},
                {"whitespace",
                        "<a>\n  {% if true %}\n    keep\n  {% endif %}\n  {%- if true %} tight {% endif -%}\n  end\n{{- ' x ' -}}\n  y\n",
                        "<a>\n    keep\n tight end x y"},
                {"lstrip_blocks",
                        "  {% if true %}x{% endif %}\nA {% if true %}b{% endif %} c\n\t{# note #}\n  {%+ if true %}d{% endif %}\n  {{ 'e' }}  {% if true %}\n    f  {% endif %}\n",
                        "xA b c\n  d  e      f  "},
                {"tojson",
                        "{{ tools|tojson }}\n{{ tools[0]|tojson(indent=2) }}\n{{ m|tojson(separators=(',', ':')) }}\n{{ 'é\\t'|tojson }}{{ [1.5, 2.0, 1e-7, 1e16, none, true]|tojson }}",
                        "[{\"name\": \"f\", \"description\": \"Zürich \\\"q\\\"\", \"parameters\": {\"type\": \"object\", \"properties\": {\"a\": {\"type\": \"number\"}}, \"required\": [\"a\"]}}]\n{\n  \"name\": \"f\",\n  \"description\": \"Zürich \\\"q\\\"\",\n  \"parameters\": {\n    \"type\": \"object\",\n    \"properties\": {\n      \"a\": {\n        \"type\": \"number\"\n      }\n    },\n    \"required\": [\n      \"a\"\n    ]\n  }\n}\n{\"role\":\"user\",\"content\":\"x\",\"n\":3}\n\"é\\t\"[1.5, 2.0, 1e-07, 1e+16, null, true]"},
                {"trim_and_concat",
                        "{{ '<|x|>' + m['content'] + '\\n\\n' + s | trim + '<|end|>' }}",
                        "<|x|>x\n\n<a>Hello, World</a><|end|>"},
                {"macro_recursion",
                        "{%- macro depth(n) %}{% if n > 0 %}({{ depth(n - 1) }}){% else %}.{% endif %}{% endmacro %}{{ depth(3) }}",
                        "(((.)))"},
                {"strftime",
                        "{{ strftime_now('%d %b %Y %H:%M') }} {{ strftime_now is defined }}",
                        "14 Mar 2025 09:26 True"},
                {"generation_tag",
                        "{% for x in xs %}{% generation %}<{{ x }}>{% endgeneration %}{% endfor %}",
                        "<3><1><2>"},
                {"printing",
                        "{{ xs }}|{{ m }}|{{ 7 // 2 }}|{{ 7 / 2 }}|{{ 'a' ~ 1 }}",
                        "[3, 1, 2]|{'role': 'user', 'content': 'x', 'n': 3}|3|3.5|a1"},
                {"loop_filter_and_neighbours",
                        "{% for k, v in m.items() if k != \"content\" %}{{ k }}{{ loop.index }}{% if loop.last %}.{% endif %}{% endfor %}|{% for x in xs if x > 1 %}{{ loop.previtem }}-{{ x }}-{{ loop.nextitem }};{% endfor %}",
                        "role1n2.|-3-2;3-2-;"},
                {"indent",
                        "{{ 'a\\nb\\n\\nc'|indent(2) }}|{{ 'a\\nb'|indent(4, first=true) }}|{{ 'a\\n\\nb'|indent(2, blank=true) }}|{{ 'x\\ny'|indent }}",
                        "a\n  b\n\n  c|    a\n    b|a\n  \n  b|x\n    y"},
                {"dict_method_attribute",
                        "{% set spec = {\"type\": \"array\", \"items\": {\"type\": \"string\"}} %}{{ spec.items.type is defined }} {{ spec['items'].type }} {{ spec.items is defined }} {{ spec.get('type') }} {{ spec.keys()|list|length }}",
                        "False string True array 2"},
                {"comments",
                        "{% if true -%}\n{# c #}\n    x{% endif %}|{# c -#}  y|a  {#- c #}\n  b\n  {# d #}\n  c",
                        "    x|y|a  b\n  c"},
                {"filter_blocks",
                        "{%- set suffix -%}\n{%- filter trim -%}\n  In addition, call functions.\n\n{%- endfilter -%}\n{%- endset -%}[{{ suffix }}]|{% filter upper %}b{{ 1 }}{% endfilter %}|{% filter indent(2, true) %}x\ny{% endfilter %}",
                        "[In addition, call functions.]|B1|  x\n  y"},
    };

    private static Map<String, Object> variables() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("role", "user");
        m.put("content", "x");
        m.put("n", 3L);
        Map<String, Object> a = new LinkedHashMap<>(Map.of("type", "number"));
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("type", "object");
        parameters.put("properties", Map.of("a", a));
        parameters.put("required", List.of("a"));
        Map<String, Object> tool = new LinkedHashMap<>();
        tool.put("name", "f");
        tool.put("description", "Zürich \"q\"");
        tool.put("parameters", parameters);
        Map<String, Object> vars = new LinkedHashMap<>();
        vars.put("s", "  <a>Hello, World</a>\n");
        vars.put("think", "<think>\nplan\n</think>\n\nanswer");
        vars.put("m", m);
        vars.put("xs", List.of(3L, 1L, 2L));
        vars.put("tools", List.of(tool));
        vars.put("flag", false);
        vars.put("nothing", null);
        return vars;
    }

    @TestFactory
    List<DynamicTest> rendersAsJinja2() {
        List<DynamicTest> tests = new ArrayList<>();
        for (String[] c : CASES) {
            tests.add(DynamicTest.dynamicTest(c[0], () -> {
                Map<String, Object> vars = variables();
                List<Object> messages = List.of();
                ChatTemplate template = new ChatTemplate(c[1], Map.of(), ChatTemplateFixtureTest.FIXTURE_CLOCK);
                Map<String, Object> kwargs = new LinkedHashMap<>(vars);
                kwargs.remove("tools");
                @SuppressWarnings("unchecked")
                List<Object> tools = (List<Object>) vars.get("tools");
                assertEquals(c[2], template.render(new ChatRequest(messages, tools, false, kwargs)));
            }));
        }
        return tests;
    }
}
