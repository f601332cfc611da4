"""Spreadsheet import and export of the area tree, grid assignments and households.

reading.py    CSV / XLSX bytes → header + rows with the line numbers users see
columns.py    the three column layouts and the words accepted in cells
importers.py  check every row with the services' rules, then write all in one transaction
exporters.py  the same layouts out, scoped to the caller and masked where needed
views.py      REST endpoints (urls.py); management commands import_grids / export_grids
background.py large imports (> settings.IMPORT_SYNC_ROWS rows) as a Celery job with progress

Files: CSV (UTF-8 with or without BOM, or GBK/GB18030) or XLSX (first sheet); the header is
row 1 and names are matched with spaces removed; an unknown or missing required column is one
error for the whole file. Line numbers in reports are spreadsheet rows (header = 1, blank rows
counted). Nothing is written unless every row passes; warnings never block.

areas (区划) — parents before children (a parent may be an earlier row of the same file):
    区划代码*  名称*  层级* (县/乡镇/村/网格/微网格, or county/township/village/grid/micro_grid)
    上级代码* (empty only for a county)  人口数  户数  中心纬度  中心经度 (both or neither)
assignments (人员分配) — each row starts an assignment that is still running:
    用户名*  姓名  手机号  角色* (Chinese label or value of governance.roles.Role)  区划代码*
    开始日期 (YYYY-MM-DD or an Excel date; empty = today)
    A username that does not exist creates the account (姓名 required) with an unusable
    password and no rights but the assignment's: an admin must reset its password.
households (住户) — one row per resident; rows with the same 户编号 are one household:
    户编号*  网格代码* (base grid or micro-grid)  户主姓名*  住址*  联系电话  三色 (绿/黄/红, empty
    = 绿)  户籍状态 (label, or 人户一致/人在户不在/户在人不在; empty = 户籍在本地且居住)  户籍所在地
    成员姓名  与户主关系 (户主/配偶/子女/父母/孙辈/其他; empty = 其他)  身份证号  成员手机号
    重点人员标签 (names or codes, separated by 、 or ,)
    The household cells may be repeated on every row (export does) or given on the first row
    only; a later row that fills one differently is an error. A household with no residents is
    one row with the member columns empty.
(* = the column must be present in the header.)

Export writes the same columns. ID numbers and phones are in full only where the caller holds
view_identity; a masked export is for reading and does not re-import. Boundaries (GeoJSON) and
ended assignments are not part of the spreadsheets.
"""
