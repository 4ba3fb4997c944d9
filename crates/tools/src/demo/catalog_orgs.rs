//! The demo's organizations: fictional enterprises and schools of 绍兴市, placed where their
//! industries really are (柯桥 dyeing, 上虞 chemicals and new materials, 新昌 bearings and
//! medicine, 诸暨 pearls, socks and copper, 嵊州 ties and kitchen appliances, 越城 huangjiu, chips
//! and culture).
//!
//! The first nine are the organizations `demo::seed` has always created, with the same names,
//! regions, kinds and credit codes, in the same order: six enterprises, then three schools.

use std::sync::LazyLock;

use chanjiao_domain::SchoolLevel::{self, GaozhiBenke as BK, GaozhiZhuanke as ZK, PutongBenke as PB, Zhongzhi as ZZ};

use super::catalog_enterprises::ENTERPRISES;

/// An enterprise's credit code prefix (17 characters) or a school's level.
#[derive(Debug, Clone, Copy)]
pub(super) enum RowKind {
    Enterprise(&'static str),
    School(SchoolLevel),
}

pub(super) struct OrgRow {
    pub name: &'static str,
    /// How sentences and titles call it (精工数控).
    pub short: &'static str,
    /// Where it is registered: a county of 绍兴市 or a township in one.
    pub region: &'static str,
    /// Townships where it also works (plants, campuses); postings are placed there or in its
    /// county.
    pub towns: &'static [&'static str],
    pub kind: RowKind,
    /// Enterprises: their industry clusters.
    pub clusters: &'static [&'static str],
    /// Schools: the programs they run, each with the cluster it serves.
    pub programs: &'static [(&'static str, &'static str)],
    /// One sentence about it, true of every posting it makes.
    pub about: &'static str,
}

pub(super) const fn enterprise(
    name: &'static str,
    short: &'static str,
    region: &'static str,
    towns: &'static [&'static str],
    credit_prefix: &'static str,
    clusters: &'static [&'static str],
    about: &'static str,
) -> OrgRow {
    OrgRow { name, short, region, towns, kind: RowKind::Enterprise(credit_prefix), clusters, programs: &[], about }
}

pub(super) const fn school(
    name: &'static str,
    short: &'static str,
    region: &'static str,
    towns: &'static [&'static str],
    level: SchoolLevel,
    programs: &'static [(&'static str, &'static str)],
    about: &'static str,
) -> OrgRow {
    OrgRow { name, short, region, towns, kind: RowKind::School(level), clusters: &[], programs, about }
}

/// Every organization, in the order of `catalog::organizations`: the original demo's enterprises
/// and schools, then the others.
pub(super) static ORGS: LazyLock<Vec<&'static OrgRow>> = LazyLock::new(|| {
    let (original_enterprises, enterprises) = ENTERPRISES.split_at(ORIGINAL_ENTERPRISES);
    let (original_schools, schools) = SCHOOLS.split_at(ORIGINAL_SCHOOLS);
    original_enterprises.iter().chain(original_schools).chain(enterprises).chain(schools).collect()
});

/// How many enterprises and schools of the original demo lead their lists.
const ORIGINAL_ENTERPRISES: usize = 6;
const ORIGINAL_SCHOOLS: usize = 3;

static SCHOOLS: &[OrgRow] = &[
    // The original demo's schools.
    school(
        "绍兴市现代职业技术学院",
        "现代职院",
        "330602",
        &["330602011"],
        ZK,
        &[
            ("460103", "hq_equipment"),
            ("460305", "hq_equipment"),
            ("510401", "ic"),
            ("490105", "huangjiu"),
            ("530702", "logistics"),
            ("540101", "culture_tourism"),
            ("550103", "creative"),
        ],
        "学院是省高水平职业院校建设单位，设有智能制造、集成电路、黄酒酿造和文化旅游等专业群。",
    ),
    school(
        "柯桥区职业教育中心",
        "柯桥职教中心",
        "330603",
        &["330603001"],
        ZZ,
        &[
            ("680405", "dyeing"),
            ("680402", "dyeing"),
            ("730702", "logistics"),
            ("660103", "hq_equipment"),
            ("750101", "creative"),
            ("670207", "chemical"),
        ],
        "学校是国家级重点中等职业学校，染整和服装专业与柯桥纺织产业紧密对接。",
    ),
    school(
        "绍兴应用技术学院",
        "应用技术学院",
        "330602",
        &["330602005"],
        PB,
        &[
            ("080202", "hq_equipment"),
            ("080710T", "ic"),
            ("081601", "dyeing"),
            ("081701", "dyeing"),
            ("081301", "chemical"),
            ("082705", "huangjiu"),
            ("083002T", "biomed"),
            ("130502", "creative"),
        ],
        "学院是地方应用型本科高校，建有纺织、化工、黄酒等产业学院和多个省级重点实验室。",
    ),
    // More schools.
    school(
        "绍兴纺织服装职业技术学院",
        "纺织服装职院",
        "330603",
        &["330603002"],
        ZK,
        &[
            ("480405", "dyeing"),
            ("480401", "dyeing"),
            ("480402", "dyeing"),
            ("480406", "creative"),
            ("530701", "logistics"),
            ("550105", "creative"),
        ],
        "学院依托柯桥纺织产业办学，数字化染整技术专业是省级高水平专业。",
    ),
    school(
        "浙江杭州湾职业技术学院",
        "杭州湾职院",
        "330604",
        &["330604001"],
        ZK,
        &[
            ("470201", "chemical"),
            ("470203", "chemical"),
            ("470208", "chemical"),
            ("430602", "new_materials"),
            ("430603", "new_materials"),
            ("490202", "biomed"),
            ("530802", "logistics"),
        ],
        "学院服务杭州湾上虞经济技术开发区，化工、新材料和生物制药专业群与园区企业深度合作。",
    ),
    school(
        "诸暨工业职业技术学院",
        "诸暨工职院",
        "330681",
        &["330681003"],
        ZK,
        &[
            ("460110", "metalwork"),
            ("460113", "metalwork"),
            ("460301", "hq_equipment"),
            ("480106", "pearl"),
            ("530704", "logistics"),
            ("480404", "dyeing"),
            ("410401", "pearl"),
        ],
        "学院立足诸暨五金、珍珠和袜业等块状经济，开设焊接、模具、珠宝首饰和直播电商等专业。",
    ),
    school(
        "浙江新昌健康职业技术学院",
        "新昌健康职院",
        "330624",
        &["330624002"],
        ZK,
        &[
            ("490201", "biomed"),
            ("490206", "biomed"),
            ("490203", "biomed"),
            ("460104", "hq_equipment"),
            ("540106", "culture_tourism"),
        ],
        "学院以医药和健康产业为特色，与新昌医药企业共建了GMP实训工厂。",
    ),
    school(
        "浙江越州职业技术大学",
        "越州职大",
        "330602",
        &["330602005"],
        BK,
        &[
            ("310401", "ic"),
            ("260102", "hq_equipment"),
            ("260103", "hq_equipment"),
            ("290201", "biomed"),
            ("330702", "logistics"),
            ("350103", "creative"),
            ("340101", "culture_tourism"),
        ],
        "学校是本科层次职业学校，重点建设集成电路、智能制造和数字创意专业群。",
    ),
    school(
        "浙江曹娥江职业技术大学",
        "曹娥江职大",
        "330604",
        &["330604002"],
        BK,
        &[
            ("270201", "chemical"),
            ("270203", "chemical"),
            ("230601", "new_materials"),
            ("230602", "new_materials"),
            ("280401", "dyeing"),
            ("230502", "metalwork"),
            ("290101", "huangjiu"),
        ],
        "学校面向绿色化工、新材料和现代纺织产业培养高层次技术技能人才。",
    ),
    school(
        "绍兴镜湖理工学院",
        "镜湖理工",
        "330603",
        &["330603002"],
        PB,
        &[
            ("080407", "new_materials"),
            ("080408", "new_materials"),
            ("081302", "biomed"),
            ("080203", "metalwork"),
            ("120601", "logistics"),
            ("120803T", "logistics"),
            ("130513TK", "pearl"),
            ("120901K", "culture_tourism"),
            ("080803T", "hq_equipment"),
            ("130508", "creative"),
        ],
        "学院是应用型本科高校，建有新材料、智能制造和现代服务业等学科专业群。",
    ),
    school(
        "绍兴市越城区中等专业学校",
        "越城中专",
        "330602",
        &["330602006"],
        ZZ,
        &[
            ("690102", "huangjiu"),
            ("740101", "culture_tourism"),
            ("740201", "culture_tourism"),
            ("710401", "ic"),
            ("710204", "creative"),
            ("730801", "logistics"),
        ],
        "学校是省级中职名校，黄酒酿造、旅游服务和微电子专业特色鲜明。",
    ),
    school(
        "绍兴市上虞区杭州湾职业技术学校",
        "上虞杭州湾职校",
        "330604",
        &["330604001"],
        ZZ,
        &[
            ("670203", "chemical"),
            ("670207", "chemical"),
            ("670204", "new_materials"),
            ("660301", "hq_equipment"),
            ("690201", "biomed"),
        ],
        "学校为上虞化工、新材料和医药企业输送了大批一线技术工人。",
    ),
    school(
        "诸暨市浣江职业技术学校",
        "浣江职校",
        "330681",
        &["330681001"],
        ZZ,
        &[
            ("750108", "pearl"),
            ("660105", "metalwork"),
            ("660108", "metalwork"),
            ("680404", "dyeing"),
            ("730705", "logistics"),
            ("610401", "pearl"),
        ],
        "学校开设珠宝首饰、焊接、模具和直播电商等专业，与山下湖、店口、大唐的企业长期合作。",
    ),
    school(
        "嵊州市剡溪职业技术学校",
        "剡溪职校",
        "330683",
        &["330683001"],
        ZZ,
        &[
            ("680402", "dyeing"),
            ("660302", "hq_equipment"),
            ("660203", "hq_equipment"),
            ("740106", "culture_tourism"),
            ("750109", "creative"),
            ("660104", "metalwork"),
        ],
        "学校对接嵊州领带服饰、厨具电器和越剧文化产业，开设服装、电气和会展等专业。",
    ),
    school(
        "新昌县沃洲职业技术学校",
        "沃洲职校",
        "330624",
        &["330624001"],
        ZZ,
        &[
            ("660103", "hq_equipment"),
            ("660102", "metalwork"),
            ("690202", "biomed"),
            ("690204", "biomed"),
            ("740101", "culture_tourism"),
        ],
        "学校的数控和机械加工专业与新昌轴承、装备企业开展现代学徒制合作。",
    ),
];
