"""Exports: what leaves the product as a file (CSV, and the xlsx, pptx and pdf packs).

Every cell written to a file passes through `pcp_data.exports.safe.safe_cell` (or
`safe_frame`), so that text from uploaded files cannot run as a spreadsheet formula.
"""
