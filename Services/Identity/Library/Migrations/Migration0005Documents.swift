import NomadKit

/// Uploaded documents, bytes included, and the cases that cite them. The
/// bytes column is stored uncompressed out of line (STORAGE EXTERNAL): PDFs,
/// JPEGs and PNGs are compressed already, and uncompressed TOAST lets
/// `substring` read one slice without the whole value. `sha256` is the key an
/// object store would use if the bytes move there (see the README).
let migration0005Documents = """
    CREATE TABLE documents (
      id uuid PRIMARY KEY,
      owner_id uuid NOT NULL REFERENCES accounts (id),
      purpose smallint NOT NULL CHECK (purpose BETWEEN 1 AND 3),
      filename text NOT NULL,
      content_type text NOT NULL CHECK (content_type IN ('application/pdf', 'image/jpeg', 'image/png')),
      size_bytes bigint NOT NULL CHECK (size_bytes > 0),
      sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
      bytes bytea NOT NULL,
      uploaded_at timestamptz NOT NULL DEFAULT now()
    );
    ALTER TABLE documents ALTER COLUMN bytes SET STORAGE EXTERNAL;
    CREATE INDEX documents_by_owner ON documents (owner_id, uploaded_at DESC, id DESC);
    CREATE INDEX documents_by_sha256 ON documents (sha256);

    -- case_kind: certification, permit or application; department: the one
    -- deciding the case, whose officers may read the document.
    CREATE TABLE document_citations (
      case_kind text NOT NULL CHECK (case_kind IN ('certification', 'permit', 'application')),
      case_id uuid NOT NULL,
      document_id uuid NOT NULL REFERENCES documents (id),
      department text NOT NULL,
      position smallint NOT NULL,
      cited_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (case_kind, case_id, document_id)
    );
    CREATE INDEX document_citations_reader ON document_citations (document_id, department);
    """
