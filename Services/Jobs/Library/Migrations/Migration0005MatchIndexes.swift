import NomadKit

/// MatchNomads reads every holder of a job's skills: a few thousand index
/// entries per skill at 100,000 profiles. Measured with EXPLAIN ANALYZE, the
/// cost was not the scan but one profile lookup per holder for availability
/// and languages, so those two are copied onto each profile skill and the
/// matching index carries everything the scan needs (index-only, no heap).
///
/// The copies are kept by triggers, so no writer of profiles or profile skills
/// has to know: a new skill row takes its profile's values (reading the
/// profile FOR SHARE, so a concurrent profile update is waited for rather than
/// copied stale), and a changed profile pushes its values to its skill rows.
let migration0005MatchIndexes = """
    ALTER TABLE profile_skills
      ADD COLUMN availability smallint NOT NULL DEFAULT 0,
      ADD COLUMN languages text[] NOT NULL DEFAULT '{}';
    UPDATE profile_skills ps SET availability = p.availability, languages = p.languages
    FROM profiles p WHERE p.nomad_id = ps.nomad_id;

    CREATE FUNCTION profile_skills_copy_profile() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      SELECT p.availability, p.languages INTO NEW.availability, NEW.languages
      FROM profiles p WHERE p.nomad_id = NEW.nomad_id FOR SHARE;
      RETURN NEW;
    END
    $$;
    CREATE TRIGGER profile_skills_copy_profile BEFORE INSERT OR UPDATE OF nomad_id ON profile_skills
      FOR EACH ROW EXECUTE FUNCTION profile_skills_copy_profile();

    CREATE FUNCTION profiles_push_to_skills() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE profile_skills SET availability = NEW.availability, languages = NEW.languages
      WHERE nomad_id = NEW.nomad_id;
      RETURN NULL;
    END
    $$;
    CREATE TRIGGER profiles_push_to_skills AFTER UPDATE OF availability, languages ON profiles
      FOR EACH ROW
      WHEN (OLD.availability IS DISTINCT FROM NEW.availability OR OLD.languages IS DISTINCT FROM NEW.languages)
      EXECUTE FUNCTION profiles_push_to_skills();

    CREATE INDEX profile_skills_for_matching
      ON profile_skills (skill_code) INCLUDE (nomad_id, level, verified_level, availability, languages);
    -- The essential rule over a skill's holders, read from the index alone.
    CREATE INDEX profile_skills_levels ON profile_skills (skill_code, nomad_id, level, verified_level);
    """
