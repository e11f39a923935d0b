"""Lines of a lesson file (the Swedish header's columns) that every path must reject: the
fast paths by declining, the Polars path with a message. ``{pnr}`` is a valid personnummer;
line 2 of the files they are put in holds that pupil's lesson at 08:00 on 2026-03-09."""

BAD_LINES = [
    "19991399-1234,2026-03-10,08:00,60,0,0,",  # invalid personnummer
    "{pnr},2026-03-10,08:00,-5,0,0,",  # negative minutes
    "{pnr},2026-03-10,08:00,60,tio,0,",
    "{pnr},2026-03-10,08:00,60,0,4.5,",
    "{pnr},2026-03-10,08:00,5.0,0,0,",  # DuckDB would read 5
    "{pnr},2026-03-10,08:00,1e2,0,0,",  # DuckDB would read 100
    "{pnr},2026-03-10,08:00,0x10,0,0,",  # DuckDB would read 16
    "{pnr},2026-03-10,08:00,0b11,0,0,",  # DuckDB would read 3
    "{pnr},2026-03-10,08:00,1_0,0,0,",  # DuckDB would read 10
    "{pnr},2026-03-10,08:00,.5,0,0,",  # DuckDB would read 1
    "{pnr},2026-03-10,08:00,5.,0,0,",  # DuckDB would read 5
    "{pnr},2026-03-10,08:00,60,5.4,0,",  # DuckDB would read 5
    "{pnr},2026-03-10,08:00,1E2,0,0,",  # DuckDB would read 100
    "{pnr},2026-03-10,08:00, ,0,0,",  # only a space
    "{pnr},2026-03-10,08:00,60,0,70000,",  # more than DuckDB's USMALLINT
    "{pnr},2026-03-10,08:00,2000,0,0,",  # more than a day
    "{pnr},2026-02-30,08:00,60,0,0,",
    "{pnr},2026-3-10,08:00,60,0,0,",  # DuckDB would read the date
    "{pnr},9/3/2026,08:00,60,0,0,",
    "{pnr},2026-03-10,8 o'clock,60,0,0,",
    "{pnr},2026-03-10,24:00,60,0,0,",  # DuckDB would read 24:00
    "{pnr},2026-03-10,08:00:00.5,60,0,0,",
    "{pnr},,08:00,60,0,0,",
    ",2026-03-10,08:00,60,0,0,",
    "{pnr},2026-03-10,08:00,60,,0,",
    "{pnr},2026-03-10,08:00,60,0",  # a field short
    "{pnr},2026-03-09,08:00,45,15,0,Sjuk",  # a duplicate of line 2
    "{pnr},2026-03-09,08:00:00,45,15,0,Sjuk",  # the same, written with seconds
    "{pnr},2026-03-10,08:00Z,60,0,0,",
    "{pnr},2026-03-10,08:00:00+01:00,60,0,0,",
    "{pnr},2026-03-10,23:60,60,0,0,",
    "{pnr},2026-03-10,08:00,60,0,0,,extra",
    '{pnr},2026-03-10,08:00,60,0,0,"Sjuk',  # an unterminated quote
    '{pnr},2026-03-10,08:00,"6""0",0,0,',  # a doubled quote in minutes
]
