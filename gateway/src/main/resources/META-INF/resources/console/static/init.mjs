import { initAll } from '/console/static/govuk-frontend.min.js'
initAll()
