//! Query-time synonyms of industry–education cooperation in Shaoxing's twelve clusters.
//!
//! Expansion happens at query time only: the index holds what postings say, and a query for
//! 数控 also asks for CNC (and the other way round). Changing the table then needs no reindex.
//! Groups are symmetric — every member stands for every other — so a group should only hold
//! words a user would accept in place of each other; a broader word (机器人 for 工业机器人) is
//! fine in a group when postings use the two interchangeably.

use std::collections::HashMap;
use std::sync::LazyLock;

/// The groups. Terms are written as people write them; lookups fold case and width.
const GROUPS: &[&[&str]] = &[
    // 集成电路 (ic)
    &["集成电路", "芯片", "IC", "半导体", "微电子"],
    &["封装测试", "封测", "芯片封装"],
    // 高端装备 (hq_equipment)
    &["数控", "CNC", "数控机床", "数控加工"],
    &["PLC", "可编程控制器", "可编程逻辑控制器"],
    &["机器人", "工业机器人"],
    &["机电一体化", "机电"],
    &["电气自动化", "电气控制", "电气工程"],
    &["智能制造", "智能生产"],
    &["工业互联网", "工业物联网"],
    &["3D打印", "增材制造"],
    &["CAD", "计算机辅助设计"],
    // 生物医药 (biomed)
    &["生物医药", "制药", "医药"],
    &["医疗器械", "医疗设备"],
    // 新材料 (new_materials)
    &["新材料", "先进材料"],
    &["化纤", "化学纤维"],
    // 印染 (dyeing)
    &["印染", "染整"],
    &["纺织", "纺织品", "面料"],
    // 化工 (chemical)
    &["化工", "化学工程", "精细化工"],
    // 黄酒 (huangjiu)
    &["黄酒", "绍兴酒", "老酒"],
    // 珍珠 (pearl)
    &["珍珠", "淡水珍珠"],
    // 金属加工 (metalwork)
    &["焊接", "焊工", "电焊"],
    &["模具", "模具设计", "模具制造"],
    // 商贸物流 (logistics)
    &["电子商务", "电商"],
    &["跨境电商", "跨境电子商务"],
    &["物流", "仓储物流", "供应链"],
    &["冷链", "冷链物流"],
    // 文化旅游 (culture_tourism)
    &["文化旅游", "文旅"],
    &["酒店管理", "酒店服务"],
    &["导游", "讲解员"],
    // 文化创意 (creative)
    &["文化创意", "文创"],
    &["动漫", "动画"],
    &["数字媒体", "新媒体"],
    // Digital skills across clusters.
    &["人工智能", "AI"],
    &["大数据", "数据分析"],
    &["软件开发", "软件工程", "编程"],
    &["汽车维修", "汽修", "汽车检测与维修"],
    &["新能源汽车", "电动汽车"],
    // Forms of cooperation.
    &["现代学徒制", "学徒", "学徒制"],
    &["新型学徒制", "企业新型学徒制"],
    &["订单班", "订单培养", "订单式培养"],
    &["实训", "实习实训"],
    &["实训基地", "实践基地", "实习基地"],
    &["岗位实习", "顶岗实习"],
    &["教师下企业", "教师企业实践", "专业教师实践"],
    &["技师进校园", "兼职教师", "产业导师"],
    &["职工培训", "员工培训", "企业培训"],
    &["技术研发", "研发", "技术攻关"],
    &["1+X", "1+X证书", "职业技能等级证书"],
];

/// Folds a term for lookup: half width, lower case, no whitespace.
pub(crate) fn key(term: &str) -> String {
    term.chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

static BY_KEY: LazyLock<HashMap<String, Vec<usize>>> = LazyLock::new(|| {
    let mut by_key: HashMap<String, Vec<usize>> = HashMap::new();
    for (index, group) in GROUPS.iter().enumerate() {
        for term in *group {
            by_key.entry(key(term)).or_default().push(index);
        }
    }
    by_key
});

/// The other members of every group `term` belongs to, as written in the table, without
/// repeats; empty for a term in no group.
pub fn synonyms(term: &str) -> Vec<&'static str> {
    let key = key(term);
    let mut found: Vec<&'static str> = Vec::new();
    for &index in BY_KEY.get(&key).map(Vec::as_slice).unwrap_or_default() {
        for &other in GROUPS[index] {
            if self::key(other) != key && !found.contains(&other) {
                found.push(other);
            }
        }
    }
    found
}

/// Every term of the table, for the segmenter's dictionary.
pub(crate) fn all_terms() -> impl Iterator<Item = &'static str> {
    GROUPS.iter().flat_map(|group| group.iter().copied())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_are_symmetric_and_fold_case_and_width() {
        assert!(synonyms("数控").contains(&"CNC"));
        assert!(synonyms("cnc").contains(&"数控"));
        assert!(synonyms("ＣＮＣ").contains(&"数控"));
        assert!(synonyms("电商").contains(&"电子商务"));
        assert!(synonyms("学徒").contains(&"现代学徒制"));
        assert!(synonyms("ic").contains(&"芯片"));
        assert!(synonyms("不存在的词").is_empty());
        assert!(!synonyms("数控").contains(&"数控"));
    }

    #[test]
    fn the_table_is_large_enough_and_has_no_empty_or_single_groups() {
        assert!(GROUPS.len() >= 30);
        assert!(GROUPS.iter().all(|group| group.len() >= 2 && group.iter().all(|t| !t.trim().is_empty())));
    }
}
