//! An independent maximum-welfare solver for medium instances, where brute force is out of
//! reach: textbook min-cost maximum flow on an explicit graph, augmenting one unit at a time
//! along Bellman–Ford shortest paths. Slow and obviously correct; shares no code with `welfare`.

use crate::allocation::Instance;

struct Edge {
    to: usize,
    capacity: i64,
    cost: i64,
}

/// The number of students placed and the sum of their 1-based ranks in an optimal assignment.
pub(super) fn max_welfare_value(instance: &Instance) -> (u64, u64) {
    let (n, m) = (instance.students(), instance.places());
    let (source, sink) = (n + m, n + m + 1);
    let mut edges: Vec<Edge> = Vec::new();
    let mut out: Vec<Vec<usize>> = vec![Vec::new(); n + m + 2];
    let mut add = |from: usize, to: usize, capacity: i64, cost: i64| {
        out[from].push(edges.len());
        edges.push(Edge { to, capacity, cost });
        out[to].push(edges.len());
        edges.push(Edge { to: from, capacity: 0, cost: -cost });
    };
    for s in 0..n {
        add(source, s, 1, 0);
        for (i, &p) in instance.student_prefs(s).iter().enumerate() {
            if instance.place_rank_of(p as usize, s).is_some() {
                add(s, n + p as usize, 1, i as i64 + 1);
            }
        }
    }
    for p in 0..m {
        add(n + p, sink, i64::from(instance.capacity(p)), 0);
    }
    let (mut matched, mut total) = (0u64, 0i64);
    loop {
        let mut dist = vec![i64::MAX; n + m + 2];
        let mut via = vec![usize::MAX; n + m + 2];
        dist[source] = 0;
        let mut changed = true;
        while changed {
            changed = false;
            for v in 0..n + m + 2 {
                if dist[v] == i64::MAX {
                    continue;
                }
                for &e in &out[v] {
                    let edge = &edges[e];
                    if edge.capacity > 0 && dist[v] + edge.cost < dist[edge.to] {
                        dist[edge.to] = dist[v] + edge.cost;
                        via[edge.to] = e;
                        changed = true;
                    }
                }
            }
        }
        if dist[sink] == i64::MAX {
            break;
        }
        let mut v = sink;
        while v != source {
            let e = via[v];
            edges[e].capacity -= 1;
            edges[e ^ 1].capacity += 1;
            v = edges[e ^ 1].to;
        }
        matched += 1;
        total += dist[sink];
    }
    (matched, total as u64)
}
