import NomadKit

/// The plan's international digital-nomad communities (国际数字游民社区示范点):
/// a site an officer designates as one when creating it.
let migration0008InternationalSites = """
    ALTER TABLE sites ADD COLUMN international boolean NOT NULL DEFAULT false;
    """
