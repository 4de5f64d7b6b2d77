"""The web app's routers: pages, sign-in and the vendor assets from npm."""
