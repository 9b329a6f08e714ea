//! The layers' shape, checked on the source: the modules of `src/client/`
//! import each other without a cycle (comments and test modules aside).

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

/// Each module of `src/client/` and the sibling modules its code names.
fn client_imports() -> BTreeMap<String, BTreeSet<String>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/client");
    let names: BTreeSet<String> = fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| {
            let name = e.unwrap().file_name().into_string().unwrap();
            name.strip_suffix(".rs").map(str::to_owned)
        })
        .filter(|n| n != "mod" && n != "tests" && !n.ends_with("_tests"))
        .collect();
    let mut out = BTreeMap::new();
    for name in &names {
        let text = fs::read_to_string(dir.join(format!("{name}.rs"))).unwrap();
        let code = text.split("#[cfg(test)]\nmod tests").next().unwrap();
        let mut deps = BTreeSet::new();
        let code: String = code
            .lines()
            .filter(|l| !l.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        let word = |s: &str| -> String {
            s.trim_start()
                .chars()
                .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                .collect()
        };
        for prefix in ["crate::client::", "super::"] {
            for (i, _) in code.match_indices(prefix) {
                let rest = &code[i + prefix.len()..];
                // `crate::client::{a, b::C}` names each of its members.
                let named: Vec<String> = match rest.strip_prefix('{') {
                    Some(group) => group
                        .split('}')
                        .next()
                        .unwrap_or("")
                        .split(',')
                        .map(word)
                        .collect(),
                    None => vec![word(rest)],
                };
                for w in named {
                    if names.contains(&w) && &w != name {
                        deps.insert(w);
                    }
                }
            }
        }
        out.insert(name.clone(), deps);
    }
    out
}

#[test]
fn client_modules_import_each_other_without_a_cycle() {
    let graph = client_imports();
    assert!(graph.len() > 5, "read the modules: {graph:?}");
    // Depth-first search; a module met again on the current path closes a cycle.
    fn visit(
        n: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) {
        if let Some(i) = path.iter().position(|p| p == n) {
            panic!("import cycle: {} -> {n}", path[i..].join(" -> "));
        }
        if !done.insert(n.to_owned()) {
            return;
        }
        path.push(n.to_owned());
        for d in &graph[n] {
            visit(d, graph, path, done);
        }
        path.pop();
    }
    let mut done = BTreeSet::new();
    for n in graph.keys() {
        visit(n, &graph, &mut Vec::new(), &mut done);
    }
}
