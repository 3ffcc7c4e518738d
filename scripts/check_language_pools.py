#!/usr/bin/python3
"""Check the instruction-variant pools of the `language` perturbation.

Usage: scripts/check_language_pools.py [SUITE ...]
       (default: the four LIBERO suites and calvin)

For each suite, suites/language/<suite>.yaml must hold a pool for every task of
suites/<suite>.yaml, in the suite's task order and nothing else. Each pool:

- has at least 12 variants, each {kind, text}, with kind one of paraphrase,
  context, reorder, distractor, and at least 2 of every kind;
- has texts that are distinct from each other and from the task's instruction,
  compared lowercased with punctuation dropped and whitespace collapsed;
- has texts in plain one-line English: ASCII letters, digits, spaces and
  ordinary punctuation, no quotes (an apostrophe only inside a word, as in
  I'm), no list numbering or bullets, no "Sure, here is" style preambles, no
  leading, trailing or doubled whitespace.

Then the solvability check, on the words of the instruction. Dropping the
stopwords (articles, pronouns, prepositions, and the pick/place/put verbs that
every paraphrase is free to change) leaves the words that name an object, a
colour, a spatial qualifier (top, left, between, next ...) or a state change
(open, close, push, turn on). Every one of them, or an allowed synonym from
SYNONYMS, must appear in every variant; plurals match their singular. So
"the black bowl next to the ramekin" can become "the black bowl beside the
ramekin" but not "the bowl by the ramekin".

Two checks guard against a variant that adds an object or a target:
- no variant may use a spatial qualifier word (QUALIFIERS) the instruction
  does not allow, so "the bowl on the wooden cabinet" cannot become "on top of
  the wooden cabinet" (which a policy could read as the top drawer);
- no variant may use a word that names an object, colour or qualifier in any
  task of its scene unless its own instruction has it (the word "table"
  excepted), so a distractor cannot talk about a mug in a basket task. The
  four LIBERO suites (and any other suite given on the command line) count as
  one scene; a suite in SCENE_RULES (calvin: CALVIN's play table) is a scene
  of its own, checked against its own tasks' words.

A suite in SCENE_RULES also brings stopwords and synonyms for its phrasing:
CALVIN's instructions carry filler verbs (go push, use the switch) and its
34 tasks share their objects (every block task says block), so what tells
one task from another is the verb, the colour, the side and the place.

And a light check that each kind is what it says:
- context: at least 3 words longer than the instruction;
- reorder: the words it shares with the instruction come in another order;
- distractor: at least two sentences.

Violations print as FILE: TASK: variant N (kind): what is wrong. The exit code
is 1 if there is any, else 0 with a one-line summary.
"""

import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LIBERO_SUITES = ["libero_spatial", "libero_object", "libero_goal", "libero_10"]
DEFAULT_SUITES = LIBERO_SUITES + ["calvin"]
KINDS = ("paraphrase", "context", "reorder", "distractor")
MIN_VARIANTS = 12
MIN_PER_KIND = 2

# Words a variant may change freely: function words and the generic
# grasp-and-release verbs. Everything else in an instruction must survive.
STOPWORDS = {
    "a", "an", "the", "and", "it", "its", "them", "they", "this", "that",
    "to", "of", "on", "in", "into", "onto", "inside", "from", "up", "at",
    "with", "then", "is", "for", "pick", "place", "put", "set",
}

# An instruction word (key) is kept if the variant has any of these words.
SYNONYMS = {
    "next": {"next", "beside", "alongside", "adjacent"},
    "center": {"center", "centre", "middle"},
    "close": {"close", "shut"},
    "push": {"push", "slide", "shove", "nudge"},
    "turn": {"turn", "switch"},
    "both": {"both", "two", "each"},
    "bbq": {"bbq", "barbecue"},
}

# Spatial qualifiers: a variant may use one only if its instruction allows it.
QUALIFIERS = {
    "top", "bottom", "left", "right", "front", "back", "middle", "center",
    "centre", "upper", "lower", "rear", "behind", "above", "below", "under",
    "beneath", "near", "far", "between", "next", "beside", "alongside",
    "adjacent",
}

# Suites on a scene of their own: extra stopwords, and synonyms that replace
# or add to SYNONYMS, for that suite only.
SCENE_RULES = {
    "calvin": {
        # "go push", "use the switch to", "to the left side": filler.
        "stopwords": {"go", "use", "side"},
        "synonyms": {
            "take": {"take", "grab", "grasp", "pick", "lift", "retrieve"},
            "rotate": {"rotate", "turn", "twist", "spin"},
            "grasp": {"grasp", "grab", "grip", "take", "seize", "pick", "hold"},
            "lift": {"lift", "raise", "pick", "hoist"},
            "sliding": {"sliding", "slide", "slider"},
            "door": {"door", "slider"},
            "cabinet": {"cabinet", "cupboard"},
            "store": {"store", "stow", "put", "place", "deposit", "drop", "leave", "set"},
            "grasped": {"grasped", "held", "holding", "gripped", "grabbed", "carrying"},
            "stack": {"stack", "pile"},
            "stacked": {"stacked", "stack", "piled", "pile"},
            "remove": {"remove", "take", "lift", "unstack", "pick", "grab"},
            "light": {"light", "lightbulb", "lamp"},
            "bulb": {"bulb", "lightbulb"},
            "press": {"press", "push", "hit", "tap", "depress"},
            "switch": {"switch", "lever"},
            "falls": {"falls", "drop", "tumble"},
            "slide": {"slide", "push", "shove", "nudge"},
            "handle": {"handle", "knob"},
            "pull": {"pull", "tug", "draw", "yank"},
        },
    },
}


class Rules:
    """The stopwords and synonyms one suite is checked with."""

    def __init__(self, suite):
        extra = SCENE_RULES.get(suite, {})
        self.stopwords = STOPWORDS | extra.get("stopwords", set())
        self.synonyms = {**SYNONYMS, **extra.get("synonyms", {})}


# Words a context or distractor sentence may use even though they name a
# thing in some task: every task happens on a table.
SCENE_WORDS = {"table"}

PREAMBLE = re.compile(
    r"^(sure|certainly|of course|okay|ok|here is|here are|here's|variant|paraphrase"
    r"|instruction|answer|output)\b|\b(here is|here are|here's) (a|an|the|your|another)\b",
    re.IGNORECASE)
NUMBERING = re.compile(r"^\s*(\d+[.):]|[-*#>]|\(?[a-z]\)|\(\d+\))\s")
ALLOWED_CHARS = re.compile(r"^[A-Za-z0-9 ,.;:!?'-]+$")
QUOTE_CHARS = set('"`\u2018\u2019\u201c\u201d')


def load_yaml(path):
    """Parses a file with PyYAML, or None if PyYAML is not installed."""
    try:
        import yaml
    except ImportError:
        return None
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f)


def load_suite(path):
    """Returns (suite name, [(task name, instruction)]) for a suite file."""
    data = load_yaml(path)
    if data is None:
        # Without PyYAML: the suite files' own layout, one key per line.
        data, task = {"tasks": []}, None
        with open(path, encoding="utf-8") as f:
            for line in f:
                m = re.match(r'^(\s*)(- )?(\w+):\s*"?(.*?)"?\s*$', line)
                if not m or line.lstrip().startswith("#"):
                    continue
                indent, item, key, value = m.groups()
                if indent == "" and key == "name":
                    data["name"] = value
                elif item and key == "name":
                    task = {"name": value}
                    data["tasks"].append(task)
                elif task is not None and key == "instruction":
                    task["instruction"] = value
    tasks = [(t["name"], instruction_of(t)) for t in data.get("tasks") or []]
    return data.get("name"), tasks


def instruction_of(task):
    """The instruction the harness gives the policy for a suite task entry.

    Suite files state it; without one it is the task name with underscores
    as spaces, less a LIBERO-10 scene prefix such as KITCHEN_SCENE3_.
    """
    if task.get("instruction"):
        return str(task["instruction"])
    return re.sub(r"^(?:[A-Z0-9]+_)+", "", task["name"]).replace("_", " ")


def load_pools(path):
    """Returns (suite field, [(task name, [(kind, text)])]) for a pool file."""
    data = load_yaml(path)
    if data is None:
        # Without PyYAML: the pool files' layout, one variant per line.
        data, pools = {"tasks": {}}, None
        with open(path, encoding="utf-8") as f:
            for line in f:
                if m := re.match(r"^suite:\s*(\S+)\s*$", line):
                    data["suite"] = m.group(1)
                elif m := re.match(r"^  (\S+):\s*$", line):
                    pools = data["tasks"].setdefault(m.group(1), [])
                elif m := re.match(r'^    - \{kind: (\w+), text: "(.*)"\}\s*$', line):
                    pools.append({"kind": m.group(1), "text": m.group(2)})
    tasks = data.get("tasks") or {}
    if not isinstance(tasks, dict):
        raise ValueError("'tasks' must be a mapping from task name to a list of variants")
    out = []
    for name, variants in tasks.items():
        entries = []
        for v in variants or []:
            if not isinstance(v, dict):
                entries.append((None, None))
            else:
                entries.append((v.get("kind"), v.get("text")))
        out.append((str(name), entries))
    return data.get("suite"), out


def words(text):
    return re.findall(r"[a-z0-9]+", text.lower())


def singular(word):
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def normalise(text):
    return " ".join(words(text))


def required_words(instruction, rules):
    """The words of an instruction that every variant must keep."""
    return [w for w in dict.fromkeys(words(instruction)) if w not in rules.stopwords]


def allowed(word, rules):
    return {singular(s) for s in rules.synonyms.get(word, {word})}


def check_text(text, instruction, kind, vocabulary, rules):
    """Returns the problems with one variant text (empty if none)."""
    problems = []
    if not isinstance(text, str) or not text:
        return ["text is missing or empty"]
    if text != text.strip():
        problems.append("leading or trailing whitespace")
    if "  " in text or "\n" in text or "\t" in text:
        problems.append("doubled whitespace or a line break")
    if any(c in QUOTE_CHARS for c in text) or re.search(r"(^|[^A-Za-z])'|'($|[^A-Za-z])", text):
        problems.append("quote marks (an apostrophe belongs inside a word only)")
    elif not ALLOWED_CHARS.match(text):
        problems.append("characters outside plain English text: " +
                        "".join(sorted({c for c in text if not ALLOWED_CHARS.match(c)})))
    if PREAMBLE.search(text):
        problems.append("reads like a preamble or a label, not an instruction")
    if NUMBERING.match(text):
        problems.append("starts with list numbering or a bullet")

    have = {singular(w) for w in words(text)}
    required = required_words(instruction, rules)
    missing = [w for w in required if not (allowed(w, rules) & have)]
    if missing:
        problems.append("drops " + ", ".join(missing))
    permitted = set()
    for w in required:
        permitted |= allowed(w, rules)
    extra_qualifiers = sorted({w for w in words(text) if w in QUALIFIERS} - permitted)
    if extra_qualifiers:
        problems.append("adds the spatial qualifier " + ", ".join(extra_qualifiers))
    extra_things = sorted((have & vocabulary) - permitted - SCENE_WORDS - QUALIFIERS)
    if extra_things:
        problems.append("names what another task manipulates: " + ", ".join(extra_things))

    n_instruction = len(words(instruction))
    if kind == "context" and len(words(text)) < n_instruction + 3:
        problems.append("context adds fewer than 3 words to the instruction")
    if kind == "reorder":
        shared = set(words(instruction))
        if [w for w in words(text) if w in shared] == words(instruction):
            problems.append("reorder keeps the instruction's word order")
    if kind == "distractor":
        sentences = [s for s in re.split(r"[.!?]+(?:\s+|$)", text) if s.strip()]
        if len(sentences) < 2:
            problems.append("distractor is a single sentence")
    return problems


def check_suite(suite, vocabulary, suites_dir):
    """Returns (violations, task count, variant count) for one suite."""
    rules = Rules(suite)
    suite_path = os.path.join(suites_dir, suite + ".yaml")
    pool_path = os.path.join(suites_dir, "language", suite + ".yaml")
    shown = os.path.relpath(pool_path, ROOT)
    violations = []
    _, tasks = load_suite(suite_path)
    try:
        field, pools = load_pools(pool_path)
    except (OSError, ValueError) as e:
        return [f"{shown}: cannot read: {e}"], 0, 0
    if field != suite:
        violations.append(f"{shown}: suite is {field!r}, expected {suite!r}")
    # Trailing whitespace anywhere in the file, not only in the texts.
    with open(pool_path, encoding="utf-8") as f:
        for i, line in enumerate(f, 1):
            if line.rstrip("\n") != line.rstrip():
                violations.append(f"{shown}:{i}: trailing whitespace")

    expected = [name for name, _ in tasks]
    present = [name for name, _ in pools]
    for name in expected:
        if name not in present:
            violations.append(f"{shown}: {name}: no pool for this task")
    for name in present:
        if name not in expected:
            violations.append(f"{shown}: {name}: not a task of {suite}")
    ordered = [n for n in present if n in expected]
    if ordered != [n for n in expected if n in present]:
        violations.append(f"{shown}: pools are not in the suite's task order")

    instructions = dict(tasks)
    n_variants = 0
    for name, variants in pools:
        if name not in instructions:
            continue
        instruction = instructions[name]
        n_variants += len(variants)
        where = f"{shown}: {name}"
        if len(variants) < MIN_VARIANTS:
            violations.append(f"{where}: {len(variants)} variants, need at least {MIN_VARIANTS}")
        counts = {k: 0 for k in KINDS}
        seen = {normalise(instruction): "the instruction"}
        for i, (kind, text) in enumerate(variants):
            label = f"{where}: variant {i} ({kind})"
            if kind not in KINDS:
                violations.append(f"{label}: kind must be one of {', '.join(KINDS)}")
            else:
                counts[kind] += 1
            for problem in check_text(text, instruction, kind, vocabulary, rules):
                violations.append(f"{label}: {problem}")
            if isinstance(text, str):
                key = normalise(text)
                if key in seen:
                    violations.append(f"{label}: same text as {seen[key]}")
                else:
                    seen[key] = f"variant {i}"
        for kind, n in counts.items():
            if n < MIN_PER_KIND:
                violations.append(f"{where}: {n} {kind} variants, need at least {MIN_PER_KIND}")
    return violations, len(expected), n_variants


def scene_vocabulary(suites, suites_dir):
    """Words that name something in any task of `suites`, singular."""
    vocabulary = set()
    for suite in suites:
        rules = Rules(suite)
        for _, instruction in load_suite(os.path.join(suites_dir, suite + ".yaml"))[1]:
            vocabulary |= {singular(w) for w in required_words(instruction, rules)}
    return vocabulary


def main(argv):
    suites = argv[1:] or DEFAULT_SUITES
    suites_dir = os.path.join(ROOT, "suites")
    # The LIBERO scene's words: its four suites and any other checked suite
    # without a scene of its own.
    shared = [s for s in dict.fromkeys(LIBERO_SUITES + suites) if s not in SCENE_RULES]
    shared_vocabulary = scene_vocabulary(shared, suites_dir)
    all_violations, n_tasks, n_variants = [], 0, 0
    for suite in suites:
        vocabulary = scene_vocabulary([suite], suites_dir) if suite in SCENE_RULES else shared_vocabulary
        violations, tasks, variants = check_suite(suite, vocabulary, suites_dir)
        all_violations += violations
        n_tasks += tasks
        n_variants += variants
    for v in all_violations:
        print(v)
    if all_violations:
        print(f"language pools: {n_tasks} tasks, {n_variants} variants, "
              f"{len(all_violations)} violations")
        return 1
    print(f"language pools: {n_tasks} tasks, {n_variants} variants, ok")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
