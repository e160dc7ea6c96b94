import NomadKit

/// MatchNomads without computing a bound for every holder of a popular skill.
///
/// Migration 8 computed the bound of each of the driving skill's holders
/// (20,000 for the benchmark's popular skill) and sorted them, plus a second
/// scan for the counts: about 15 ms of SQL a call. Most of those holders hold
/// none of the job's other required skills, and for them the bound depends
/// on four small values only: level, proven level, availability and which of
/// the job's languages they speak. So the candidates are split in two:
///
/// - **Holders of another required skill** (a few thousand at most for the
///   benchmark's jobs): joined to their driving row in the one scan of the
///   driving skill that also yields the counts, with the exact bound as before.
/// - **Holders of the driving skill alone**: every combination of those four
///   values is listed with its bound, best first, and each combination's
///   holders are read from an index in id order, so the ranking stops after
///   the few combinations that fill the page (an incremental sort on the
///   bound). No bound is computed for the others.
///
/// The bounds, the order (bound desc, id asc) and the counts are those of
/// migration 8; the equivalence tests compare the answers with scoring every
/// candidate. A job with no essential skill keeps migration 8's path.
let migration0011RankingByCombination = """
    -- The combinations are enumerated from these ranges: the profile rules
    -- store only the proto's five availability values.
    ALTER TABLE profiles ADD CONSTRAINT profiles_availability_check CHECK (availability BETWEEN 0 AND 4);
    ALTER TABLE profile_skills ADD CONSTRAINT profile_skills_availability_check CHECK (availability BETWEEN 0 AND 4);

    -- One index serves the driving scan, the others' aggregation and each
    -- combination's holders in id order.
    CREATE INDEX profile_skills_by_combination
      ON profile_skills (skill_code, level, verified_level, availability, nomad_id) INCLUDE (language_mask);
    DROP INDEX profile_skills_for_ranking;

    CREATE OR REPLACE FUNCTION match_nomads_ranked(
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
      scanned bigint;
      passing bigint;
      mixed_ids uuid[];
      mixed_bounds integer[];
    BEGIN
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

      -- One scan of the driving skill's holders: the counts, and the exact
      -- bound of each candidate holding another required skill too (the
      -- other essential skills passed, when there are more).
      WITH others AS (
        SELECT ps.nomad_id,
          sum(COALESCE(p_points[(r.pos - 1) * 36 + ps.level * 6 + ps.verified_level + 1], 10000)) AS points,
          max(COALESCE(p_availability[ps.availability + 1], 1000)) AS availability_points,
          bit_or(ps.language_mask) AS language_mask
        FROM unnest(p_codes, p_essential, p_min_levels) WITH ORDINALITY AS r(code, essential, min_level, pos)
        JOIN profile_skills ps ON ps.skill_code = r.code
        WHERE r.pos <> driver
        GROUP BY ps.nomad_id
        HAVING count(*) FILTER (WHERE r.essential AND greatest(ps.level, ps.verified_level) >= r.min_level - 1)
          = essentials - 1
      ),
      scan AS (
        SELECT d.nomad_id, o.nomad_id IS NOT NULL AS mixed,
          greatest(d.level, d.verified_level) >= p_min_levels[driver] - 1 AS passes,
          CASE WHEN o.nomad_id IS NOT NULL THEN
            (COALESCE(p_points[(driver - 1) * 36 + d.level * 6 + d.verified_level + 1], 10000) + o.points
              + greatest(COALESCE(p_availability[d.availability + 1], 1000), o.availability_points)
              + p_tools_max
              + match_language_points((d.language_mask | o.language_mask) & job_bits, job_bits,
                                      p_language_points, language_count, clash))::int
          END AS bound
        FROM profile_skills d LEFT JOIN others o ON o.nomad_id = d.nomad_id
        WHERE d.skill_code = p_codes[driver]
      )
      SELECT count(*), count(*) FILTER (WHERE s.passes),
        array_agg(s.nomad_id) FILTER (WHERE s.mixed AND s.passes),
        array_agg(s.bound) FILTER (WHERE s.mixed AND s.passes)
        INTO scanned, passing, mixed_ids, mixed_bounds
      FROM scan s;

      IF p_counts AND essentials = 1 THEN
        holder_count := scanned;
        candidate_count := passing;
      ELSIF p_counts THEN
        SELECT count(DISTINCT ps.nomad_id) INTO holder_count FROM profile_skills ps
        WHERE ps.skill_code = ANY(ARRAY(SELECT x.code FROM unnest(p_codes, p_essential) AS x(code, essential) WHERE x.essential));
        candidate_count := COALESCE(cardinality(mixed_ids), 0);
      END IF;

      -- The page: the best of the mixed candidates and the best of the
      -- driving skill's lone holders (only with one essential skill: with
      -- more, a lone holder misses one), merged.
      RETURN QUERY
      SELECT holder_count, COALESCE(candidate_count, 0), c.nomad_id, c.bound, d.availability, d.languages, d.held, d.tools
      FROM (SELECT 1) one
      LEFT JOIN LATERAL (
        SELECT u.nomad_id, u.bound FROM (
          (SELECT m.nomad_id, m.bound FROM unnest(mixed_ids, mixed_bounds) AS m(nomad_id, bound)
           WHERE (p_after_bound IS NULL OR m.bound < p_after_bound OR (m.bound = p_after_bound AND m.nomad_id > p_after_id))
             AND (p_at_least IS NULL OR m.bound >= p_at_least)
           ORDER BY m.bound DESC, m.nomad_id LIMIT p_limit)
          UNION ALL
          (SELECT lone.nomad_id, k.bound
           FROM (
             SELECT l, v, a, lp,
               COALESCE(p_points[(driver - 1) * 36 + l * 6 + v + 1], 10000) + COALESCE(p_availability[a + 1], 1000) + p_tools_max + lp AS bound
             FROM generate_series(1, 5) l, generate_series(0, 5) v, generate_series(0, 4) a,
               (SELECT DISTINCT x AS lp FROM unnest(p_language_points) x) points
             WHERE essentials = 1 AND greatest(l, v) >= p_min_levels[driver] - 1
             ORDER BY 5 DESC) k
           CROSS JOIN LATERAL (
             SELECT h.nomad_id FROM profile_skills h
             WHERE h.skill_code = p_codes[driver] AND h.level = k.l AND h.verified_level = k.v AND h.availability = k.a
               AND match_language_points(h.language_mask & job_bits, job_bits, p_language_points, language_count, clash) = k.lp
               AND (p_after_bound IS NULL OR k.bound < p_after_bound OR h.nomad_id > p_after_id)
               AND NOT EXISTS (SELECT 1 FROM profile_skills o WHERE o.nomad_id = h.nomad_id
                               AND o.skill_code = ANY(p_codes[:driver - 1] || p_codes[driver + 1:]))
             ORDER BY h.nomad_id LIMIT p_limit) lone
           WHERE (p_after_bound IS NULL OR k.bound <= p_after_bound) AND (p_at_least IS NULL OR k.bound >= p_at_least)
           ORDER BY k.bound DESC, lone.nomad_id LIMIT p_limit)
        ) u
        ORDER BY u.bound DESC, u.nomad_id LIMIT p_limit) c ON true
      LEFT JOIN LATERAL match_nomad_details(c.nomad_id, p_codes, p_tools) d ON c.nomad_id IS NOT NULL;
    END
    $f$;

    -- Replaced by the two halves above.
    DROP FUNCTION match_nomads_bounds(text[], boolean[], smallint[], integer, integer, integer[], integer[], integer[],
                                      integer, bigint, boolean, integer);
    """
