"""Reading, validating and summing lesson attendance (CSV, Excel, SS 12000) into pupil-days.

``sources`` reads a file into a lazy frame of strings, ``pipeline`` validates and sums it per
pupil and day, ``writer`` stores the days. The use cases are in ``samsyn.attendance.services``.
"""
