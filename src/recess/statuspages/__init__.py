"""Status pages: pages, components, degradations, maintenances, templates."""
