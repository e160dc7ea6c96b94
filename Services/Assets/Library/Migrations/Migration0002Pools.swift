/// Data resource pools (seeded; the registry area refers to them by code),
/// enterprises' access grants and the log of every read through a grant.
/// Each pool has a VOUCHER account that receives vouchers paid for access.
let migration0002Pools = """
    CREATE TABLE pools (
      code text PRIMARY KEY,
      id uuid NOT NULL UNIQUE,
      name_zh text NOT NULL,
      name_en text NOT NULL,
      description_zh text NOT NULL,
      description_en text NOT NULL,
      owner_department text NOT NULL,
      policy_zh text NOT NULL,
      policy_en text NOT NULL
    );
    INSERT INTO pools VALUES
      ('vehicle_road_cloud', '00000000-0000-0000-0003-000000000001', '车路云交通数据', 'Vehicle-road-cloud traffic data',
       '儋州车路云一体化平台汇聚的路侧感知、车辆轨迹与交通流数据（已脱敏）。',
       'Roadside sensing, vehicle trajectories and traffic flow gathered by Danzhou''s vehicle-road-cloud platform (de-identified).',
       'transport',
       '仅限交通规划、自动驾驶研发与安全研究使用；不得重新识别个人或车辆；不得转售原始数据。',
       'Only for traffic planning, autonomous-driving research and safety studies; no re-identification of people or vehicles; no resale of raw data.'),
      ('culture_tourism_consumption', '00000000-0000-0000-0003-000000000002', '文旅消费数据', 'Cultural-tourism consumption data',
       '景区客流、酒店住宿与文旅消费的聚合数据。',
       'Aggregated visitor flows, lodging and cultural-tourism spending.',
       'tourism',
       '仅限聚合统计与产品设计使用；最小统计单元不少于 20 人；不得用于精准营销到个人。',
       'Aggregate statistics and product design only; no cell smaller than 20 people; no marketing to individuals.'),
      ('entertainment_metaverse', '00000000-0000-0000-0003-000000000003', '娱乐元宇宙资产', 'Entertainment metaverse assets',
       '数字游民创作的三维模型、虚拟场景与互动内容素材。',
       '3D models, virtual scenes and interactive content made by nomads.',
       'culture',
       '按素材授权条款使用；商用须署名并遵守登记的许可；不得用于违法违规内容。',
       'Use under each asset''s licence terms; commercial use requires attribution and the registered licence; no unlawful content.');

    INSERT INTO ledger_accounts (id, owner_id, owner_kind, kind, unit)
      SELECT gen_random_uuid(), id, 'pool', 'pool', 'VOUCHER' FROM pools;

    CREATE TABLE pool_grants (
      id uuid PRIMARY KEY,
      pool_code text NOT NULL REFERENCES pools (code),
      enterprise_id uuid NOT NULL,
      purpose text NOT NULL,
      period_start date NOT NULL,
      period_end date NOT NULL,
      -- 1 requested, 2 granted, 3 refused, 4 revoked (the proto's numbers).
      status smallint NOT NULL DEFAULT 1 CHECK (status BETWEEN 1 AND 4),
      decided_by uuid,
      decision_note text NOT NULL DEFAULT '',
      revoked_by uuid,
      revoke_reason text NOT NULL DEFAULT '',
      vouchers_paid bigint NOT NULL DEFAULT 0 CHECK (vouchers_paid >= 0),
      reads bigint NOT NULL DEFAULT 0,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CHECK (period_end >= period_start)
    );
    CREATE INDEX pool_grants_by_enterprise ON pool_grants (enterprise_id, created_at DESC, id);
    CREATE INDEX pool_grants_newest ON pool_grants (created_at DESC, id);

    -- Append-only: one row per ReadPoolData call.
    CREATE TABLE pool_reads (
      id uuid PRIMARY KEY,
      grant_id uuid NOT NULL REFERENCES pool_grants (id),
      enterprise_id uuid NOT NULL,
      records_returned integer NOT NULL,
      page_offset integer NOT NULL,
      read_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX pool_reads_by_grant ON pool_reads (grant_id, read_at, id);
    """
