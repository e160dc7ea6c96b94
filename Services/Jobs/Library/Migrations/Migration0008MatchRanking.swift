import NomadKit

/// MatchNomads ranks candidates by an upper bound of their score in SQL and
/// reads only the first few (`MatchRanking` says why the answer is still the
/// exact ranking). Three things make the bound cheap for a skill with tens of
/// thousands of holders:
///
/// - **Integers only per index entry.** Aggregating the language arrays of
///   every holder was the costliest part of the scan, so each profile skill
///   carries `language_mask`, a 64-bit summary of its languages' primary
///   subtags (one hashed bit each), and the matching index carries it instead
///   of the arrays. A job's language counts as matched when its bit is set:
///   never fewer than the scorer's own comparison finds, so the bound holds.
///   A tag outside the shape `LanguageTagRules` accepts sets every bit (it
///   may match anything). The mask is a generated column, so it follows the
///   copied languages (migration 5) with no trigger of its own.
/// - **One pass over the driving skill.** With essential skills, the
///   candidates are the holders of the first essential skill who pass the
///   rule, joined to their other required skills aggregated per nomad, which
///   are few next to a popular skill's holders. Only a job with no essential
///   skill aggregates every holder of every skill.
/// - **A plan per call.** A popular skill and a rare one want different
///   joins; the function plans its query with the call's values
///   (`force_custom_plan`) rather than once for all.
///
/// The points a held skill earns come from the caller as tables computed by
/// the scorer itself, so the formula is written once, in Swift.
let migration0008MatchRanking = """
    -- md5, not hashtext: the stored masks must keep their meaning across
    -- PostgreSQL versions.
    CREATE FUNCTION match_language_bit(key text) RETURNS bigint LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN 1::bigint << (('x' || left(md5(key), 2))::bit(8)::int & 63);

    -- translate, not lower: ASCII only, whatever the database's locale, as the
    -- scorer's lower-casing is on the tags this shape admits.
    CREATE FUNCTION match_language_mask(languages text[]) RETURNS bigint LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN (
      SELECT COALESCE(bit_or(CASE
        WHEN t ~ '^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$'
          THEN match_language_bit(translate(split_part(t, '-', 1), 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz'))
        ELSE -1 END), 0)
      FROM unnest(languages) t);

    ALTER TABLE profile_skills
      ADD COLUMN language_mask bigint NOT NULL GENERATED ALWAYS AS (match_language_mask(languages)) STORED;

    -- Replaced by the ranking index below; the levels index served the
    -- essential-rule-first scan this migration retires.
    DROP INDEX profile_skills_for_matching;
    DROP INDEX profile_skills_levels;
    CREATE INDEX profile_skills_for_ranking
      ON profile_skills (skill_code) INCLUDE (nomad_id, level, verified_level, availability, language_mask);

    -- MatchJobs reads every requirement of each job a nomad's skills touch (a
    -- few hundred for a popular skill) to apply the essential rule: from the
    -- index alone.
    CREATE INDEX job_skills_for_matching ON job_skills (job_id) INCLUDE (skill_code, min_level, weight, essential);

    -- What scoring needs of one candidate: the availability and languages of
    -- its required skills' rows (as the scan read them), each required skill held
    -- as position * 36 + level * 6 + proven level (0-based position), and its
    -- tools among p_tools. One scan of the nomad's few rows. Inlined by the planner.
    CREATE FUNCTION match_nomad_details(p_nomad uuid, p_codes text[], p_tools text[])
    RETURNS TABLE (availability smallint, languages text[], held integer[], tools text[])
    LANGUAGE sql STABLE AS $f$
      SELECT min(s.availability) FILTER (WHERE p.position IS NOT NULL),
        min(s.languages) FILTER (WHERE p.position IS NOT NULL),
        array_agg((p.position - 1) * 36 + s.level * 6 + s.verified_level) FILTER (WHERE p.position IS NOT NULL),
        CASE WHEN cardinality(p_tools) = 0 THEN '{}'::text[] ELSE ARRAY(
          SELECT DISTINCT lower(t) FROM profile_skills o, unnest(o.tools) t
          WHERE o.nomad_id = p_nomad AND lower(t) = ANY(p_tools)) END
      FROM profile_skills s CROSS JOIN LATERAL (SELECT array_position(p_codes, s.skill_code) AS position) p
      WHERE s.nomad_id = p_nomad
    $f$;

    -- The language points of a candidate whose mask shares `matched` with the
    -- job's bits: counting bits only when some but not all are shared, the
    -- usual cases being plain integer tests. Inlined.
    CREATE FUNCTION match_language_points(
      matched bigint, job_bits bigint, points integer[], language_count integer, clash boolean)
    RETURNS integer LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CASE
      WHEN clash OR matched = job_bits THEN points[language_count + 1]
      WHEN matched = 0 THEN points[1]
      ELSE points[least(language_count, bit_count(matched::bit(64))::int) + 1] END;

    -- Every candidate of a job with essential skills, with its bound: the holders
    -- of the driving essential skill (position p_driver, 1-based) who pass the
    -- rule, joined to their other required skills aggregated per nomad, which
    -- must include the other p_essentials - 1 essential skills passed. Inlined by
    -- the planner into the caller's query, where the driver is a constant.
    CREATE FUNCTION match_nomads_bounds(
      p_codes text[], p_essential boolean[], p_min_levels smallint[], p_driver integer, p_essentials integer,
      p_points integer[], p_availability integer[],
      p_language_points integer[], p_language_count integer, p_job_bits bigint, p_clash boolean, p_tools_max integer)
    RETURNS TABLE (nomad_id uuid, bound integer)
    LANGUAGE sql STABLE AS $f$
      WITH others AS (
        SELECT ps.nomad_id,
          sum(COALESCE(p_points[(r.pos - 1) * 36 + ps.level * 6 + ps.verified_level + 1], 10000)) AS points,
          count(*) FILTER (WHERE r.essential AND greatest(ps.level, ps.verified_level) >= r.min_level - 1) AS met,
          max(COALESCE(p_availability[ps.availability + 1], 1000)) AS availability_points,
          bit_or(ps.language_mask) AS language_mask
        FROM unnest(p_codes, p_essential, p_min_levels) WITH ORDINALITY AS r(code, essential, min_level, pos)
        JOIN profile_skills ps ON ps.skill_code = r.code
        WHERE r.pos <> p_driver
        GROUP BY ps.nomad_id
      )
      SELECT d.nomad_id,
        (COALESCE(p_points[(p_driver - 1) * 36 + d.level * 6 + d.verified_level + 1], 10000) + COALESCE(o.points, 0)
          + greatest(COALESCE(p_availability[d.availability + 1], 1000), o.availability_points)
          + p_tools_max
          + match_language_points((d.language_mask | COALESCE(o.language_mask, 0)) & p_job_bits, p_job_bits,
                                  p_language_points, p_language_count, p_clash)
        )::int
      FROM profile_skills d
      LEFT JOIN others o ON o.nomad_id = d.nomad_id
      WHERE d.skill_code = p_codes[p_driver]
        AND greatest(d.level, d.verified_level) >= p_min_levels[p_driver] - 1
        AND COALESCE(o.met, 0) = p_essentials - 1
    $f$;

    -- The same for a job with no essential skill: every holder of any required
    -- skill is a candidate.
    CREATE FUNCTION match_nomads_bounds_any(
      p_codes text[], p_points integer[], p_availability integer[],
      p_language_points integer[], p_language_count integer, p_job_bits bigint, p_clash boolean, p_tools_max integer)
    RETURNS TABLE (nomad_id uuid, bound integer)
    LANGUAGE sql STABLE AS $f$
      SELECT ps.nomad_id,
        (sum(COALESCE(p_points[(r.pos - 1) * 36 + ps.level * 6 + ps.verified_level + 1], 10000))
          + max(COALESCE(p_availability[ps.availability + 1], 1000))
          + p_tools_max
          + match_language_points(bit_or(ps.language_mask) & p_job_bits, p_job_bits, p_language_points, p_language_count,
                                  p_clash)
        )::int
      FROM unnest(p_codes) WITH ORDINALITY AS r(code, pos)
      JOIN profile_skills ps ON ps.skill_code = r.code
      GROUP BY ps.nomad_id
    $f$;

    -- MatchNomads' candidates, best bound first, then by id. Arguments: the job's
    -- requirements in order (code, essential, minimum level); p_points, 36 per
    -- requirement, the hundredths earned at level * 6 + proven level;
    -- p_availability, hundredths by stored availability (0-based); the job's
    -- language keys and the hundredths for each count of them matched; the most
    -- the tools can give; the job's tools lower-cased (to read each returned
    -- candidate's matching tools). Then the page: past (p_after_bound,
    -- p_after_id) when given, a bound of at least p_at_least when given, at most
    -- p_limit rows; the counts are computed when p_counts.
    --
    -- Every row carries holders (nomads holding an essential skill, or any
    -- required skill when none is essential) and candidates (those passing the
    -- essential rule); with no candidate one row comes back with the counts alone.
    --
    -- The bound sums, per candidate, each held skill's table entry, the best
    -- availability and the most languages any of its rows shows (the copies
    -- agree; taking the best keeps the bound safe if they ever did not), and the
    -- tools' maximum. PL/pgSQL only to plan each call for its own values and to
    -- count cheaply: with one essential skill both counts come from one scan of
    -- its holders, with more the candidates are counted as they are ranked.
    -- No JIT: a popular skill's plan costs enough to be compiled on every call,
    -- which took longer (about 30 ms) than running the query.
    CREATE FUNCTION match_nomads_ranked(
      p_codes text[], p_essential boolean[], p_min_levels smallint[], p_points integer[], p_availability integer[],
      p_language_keys text[], p_language_points integer[], p_tools_max integer, p_tools text[],
      p_after_bound integer, p_after_id uuid, p_at_least integer, p_limit integer, p_counts boolean)
    RETURNS TABLE (holders bigint, candidates bigint, nomad_id uuid, bound integer, availability smallint,
                   languages text[], held integer[], tools text[])
    LANGUAGE plpgsql STABLE SET plan_cache_mode = force_custom_plan SET jit = off AS $f$
    #variable_conflict use_column
    DECLARE
      essentials integer := (SELECT count(*) FROM unnest(p_essential) e WHERE e);
      driver integer := array_position(p_essential, true);
      language_count integer := cardinality(p_language_keys);
      job_bits bigint;
      clash boolean;
      holder_count bigint;
      candidate_count bigint;
    BEGIN
      -- Two of the job's languages on one bit would be counted once: then every
      -- candidate gets the most language points.
      SELECT COALESCE(bit_or(match_language_bit(k)), 0), count(DISTINCT match_language_bit(k)) < count(*)
        INTO job_bits, clash FROM unnest(p_language_keys) k;

      IF essentials = 0 THEN
        RETURN QUERY
        SELECT COALESCE(c.total, 0), COALESCE(c.total, 0), c.nomad_id, c.bound, d.availability, d.languages, d.held, d.tools
        FROM (SELECT 1) one
        LEFT JOIN LATERAL (
          SELECT b.nomad_id, b.bound, count(*) OVER () AS total
          FROM match_nomads_bounds_any(p_codes, p_points, p_availability, p_language_points, language_count, job_bits,
                                       clash, p_tools_max) b
          WHERE (p_after_bound IS NULL OR b.bound < p_after_bound OR (b.bound = p_after_bound AND b.nomad_id > p_after_id))
            AND (p_at_least IS NULL OR b.bound >= p_at_least)
          ORDER BY b.bound DESC, b.nomad_id LIMIT p_limit) c ON true
        LEFT JOIN LATERAL match_nomad_details(c.nomad_id, p_codes, p_tools) d ON c.nomad_id IS NOT NULL;
        RETURN;
      END IF;

      IF p_counts AND essentials = 1 THEN
        SELECT count(*), count(*) FILTER (WHERE greatest(ps.level, ps.verified_level) >= p_min_levels[driver] - 1)
          INTO holder_count, candidate_count
        FROM profile_skills ps WHERE ps.skill_code = p_codes[driver];
      ELSIF p_counts THEN
        SELECT count(DISTINCT ps.nomad_id) INTO holder_count FROM profile_skills ps
        WHERE ps.skill_code = ANY(ARRAY(SELECT x.code FROM unnest(p_codes, p_essential) AS x(code, essential) WHERE x.essential));
      END IF;

      IF candidate_count IS NOT NULL OR NOT p_counts THEN
        RETURN QUERY
        SELECT holder_count, COALESCE(candidate_count, 0), c.nomad_id, c.bound, d.availability, d.languages, d.held, d.tools
        FROM (SELECT 1) one
        LEFT JOIN LATERAL (
          SELECT b.nomad_id, b.bound
          FROM match_nomads_bounds(p_codes, p_essential, p_min_levels, driver, essentials, p_points, p_availability,
                                   p_language_points, language_count, job_bits, clash, p_tools_max) b
          WHERE (p_after_bound IS NULL OR b.bound < p_after_bound OR (b.bound = p_after_bound AND b.nomad_id > p_after_id))
            AND (p_at_least IS NULL OR b.bound >= p_at_least)
          ORDER BY b.bound DESC, b.nomad_id LIMIT p_limit) c ON true
        LEFT JOIN LATERAL match_nomad_details(c.nomad_id, p_codes, p_tools) d ON c.nomad_id IS NOT NULL;
      ELSE
        RETURN QUERY
        SELECT holder_count, COALESCE(c.total, 0), c.nomad_id, c.bound, d.availability, d.languages, d.held, d.tools
        FROM (SELECT 1) one
        LEFT JOIN LATERAL (
          SELECT b.nomad_id, b.bound, count(*) OVER () AS total
          FROM match_nomads_bounds(p_codes, p_essential, p_min_levels, driver, essentials, p_points, p_availability,
                                   p_language_points, language_count, job_bits, clash, p_tools_max) b
          WHERE (p_after_bound IS NULL OR b.bound < p_after_bound OR (b.bound = p_after_bound AND b.nomad_id > p_after_id))
            AND (p_at_least IS NULL OR b.bound >= p_at_least)
          ORDER BY b.bound DESC, b.nomad_id LIMIT p_limit) c ON true
        LEFT JOIN LATERAL match_nomad_details(c.nomad_id, p_codes, p_tools) d ON c.nomad_id IS NOT NULL;
      END IF;
    END
    $f$;
    """
