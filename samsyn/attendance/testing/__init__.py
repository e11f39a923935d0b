"""Test helpers: lesson-file builders (CSV, Excel, SS 12000) and a fake SS 12000 server."""
