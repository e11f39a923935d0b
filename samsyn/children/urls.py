from django.urls import path

from samsyn.children import views

app_name = "children"
urlpatterns = [
    path("mina/", views.my_children, name="my_children"),
    path("sok/", views.search, name="search"),
    path("ny/", views.register, name="register"),
    path("<uuid:public_id>/", views.child_detail, name="detail"),
    path("<uuid:public_id>/overgang/", views.child_transfer, name="transfer"),
    path("<uuid:public_id>/barnkontakt/", views.barnkontakt_set, name="barnkontakt_set"),
    path(
        "<uuid:public_id>/overlamning/<int:handover_id>/bekrafta/",
        views.handover_acknowledge,
        name="handover_acknowledge",
    ),
]
