"""How much of one file ingest will read: bounds on size, pages, inflated bytes, nesting and text.

Each is far above a real council paper (the largest in corpus/ is 48 pages, 153,000 characters) and low enough
that one hostile file cannot hold a core for minutes or the memory for gigabytes: reading and segmenting run at
about 5 s a million characters, so MAX_CHARS bounds a file's time to some 20 s. Read as `limits.NAME` at call
time, so a test can lower one.
"""

MAX_BYTES = 50 * 1024 * 1024  # the file itself
MAX_CHARS = 4_000_000  # extracted text: some 1,500 dense pages
MAX_PAGES = 2_000  # PDF pages, counted before any is read (about 30 ms a page)
MAX_INFLATED = 200 * 1024 * 1024  # a .docx's parts once inflated, together (images inflate little)
MAX_XML = 40 * 1024 * 1024  # one XML part once inflated: lxml holds several times this in memory
MAX_DEPTH = 100  # element nesting read as structure; deeper elements are read as the text they hold
